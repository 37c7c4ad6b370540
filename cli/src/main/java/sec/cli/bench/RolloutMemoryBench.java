package sec.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import sec.devkit.BundleCopy;
import sec.inference.CloudModels;
import sec.inference.EdgeModels;
import sec.inference.model.BundleChecksums;
import sec.inference.model.BundleVersions;

/**
 * What roll-outs cost in memory ({@code sec bench --rollouts N}): one side's {@link BundleVersions}
 * through N roll-outs, alternately of two bundles (the bundled pair and it with the second drafter
 * of {@code models/alternate}), each older version closed once idle. The process's resident memory
 * and the Java heap after each: the sessions live off the heap, so RSS is the figure that must stay flat.
 */
public final class RolloutMemoryBench {
    private static final long IDLE_MS = 200;

    private RolloutMemoryBench() {}

    public static void measure(Path bundle, Path alternateDrafter, int rollouts, ObjectNode result) throws Exception {
        Path tmp = Files.createTempDirectory("sec-rollout-bench");
        Path other = BundleCopy.of(bundle, tmp.resolve("other"));
        if (Files.isDirectory(alternateDrafter)) {
            BundleCopy.of(alternateDrafter, other.resolve("drafter"));
        }
        side("edge", bundle, other, EdgeModels::load, rollouts, result);
        side("cloud", bundle, other, CloudModels::load, rollouts, result);
    }

    private static <M extends AutoCloseable> void side(String name, Path a, Path b, Function<Path, M> load, int rollouts,
            ObjectNode result) throws Exception {
        ArrayNode rss = result.putArray("rollout_" + name + "_rss_mb");
        ArrayNode heap = result.putArray("rollout_" + name + "_heap_mb");
        try (BundleVersions<M> versions = new BundleVersions<>("v0", load.apply(a), load, IDLE_MS, System::currentTimeMillis)) {
            sample(rss, heap);
            for (int i = 1; i <= rollouts; i++) {
                Path dir = i % 2 == 1 ? b : a;
                versions.offer(new BundleVersions.Rollout("v" + i, dir, BundleChecksums.of(dir), 100));
                versions.awaitLoads(120_000);
                versions.refresh();
                Thread.sleep(IDLE_MS + 50);
                versions.refresh(); // the previous version, idle now, is closed
                sample(rss, heap);
            }
            result.put("rollout_" + name + "_versions_held_at_end", versions.held().size());
        }
    }

    private static void sample(ArrayNode rss, ArrayNode heap) throws Exception {
        System.gc();
        Thread.sleep(100);
        Runtime r = Runtime.getRuntime();
        heap.add((r.totalMemory() - r.freeMemory()) >> 20);
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss.add(Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10);
            }
        }
    }
}
