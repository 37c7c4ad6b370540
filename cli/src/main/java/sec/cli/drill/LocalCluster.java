package sec.cli.drill;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import sec.cli.cluster.FlinkRest;

/**
 * The multi-process cluster of {@code deploy/local} (a broker, ZooKeeper, two JobManagers, two
 * TaskManagers), started on free ports in its own folder and driven through the same scripts a user
 * runs. Knows which JobManager leads: the first started, then after each leader's death the other.
 */
public final class LocalCluster implements AutoCloseable {
    private static final String[] PORTS = {"SEC_KAFKA_PORT", "SEC_KAFKA_CONTROLLER_PORT", "SEC_ZOOKEEPER_PORT",
        "SEC_FLINK_REST_PORT", "SEC_FLINK_RPC_PORT", "SEC_FLINK_STANDBY_REST_PORT", "SEC_FLINK_STANDBY_RPC_PORT"};
    private final Path repo;
    private final Path dir;
    private final Map<String, String> env;
    private String leader = "jobmanager1";
    private int nextTaskManager = 3;

    private LocalCluster(Path repo, Path dir, Map<String, String> env) {
        this.repo = repo;
        this.dir = dir;
        this.env = env;
    }

    /** A fresh cluster in {@code dir} (emptied first; a previous cluster's processes there are stopped). */
    public static LocalCluster start(Path repo, Path dir) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SEC_CLUSTER_DIR", dir.toAbsolutePath().toString());
        LocalCluster cluster = new LocalCluster(repo, dir.toAbsolutePath(), env);
        if (Files.exists(dir.resolve("pids"))) {
            cluster.script(Duration.ofMinutes(2), "deploy/local/stop.sh");
        }
        deleteTree(dir);
        Files.createDirectories(dir);
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (String port : PORTS) {
            env.put(port, String.valueOf(freeFixedPort(taken)));
        }
        env.put("SEC_NO_BUILD", "1"); // ./sec runs the classes already built
        cluster.script(Duration.ofMinutes(4), "deploy/local/start.sh");
        return cluster;
    }

    /** The scripts' environment: the folder and the ports. */
    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    public Path dir() {
        return dir;
    }

    public String bootstrap() {
        return "127.0.0.1:" + env.get("SEC_KAFKA_PORT");
    }

    /** The leading JobManager's REST API (the standby's forwards too, but not while it takes over). */
    public FlinkRest rest() {
        return new FlinkRest("http://127.0.0.1:" + env.get(leader.equals("jobmanager1") ? "SEC_FLINK_REST_PORT" : "SEC_FLINK_STANDBY_REST_PORT"));
    }

    public String leader() {
        return leader;
    }

    /** Runs a script (or ./sec) from the repository with the cluster's environment; fails on a non-zero exit. */
    public void script(Duration limit, String... command) throws IOException, InterruptedException {
        Process p = process(command).inheritIO().start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + limit + " (logs in " + dir.resolve("log") + ")");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue() + " (logs in " + dir.resolve("log") + ")");
        }
    }

    public ProcessBuilder process(String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
        pb.environment().putAll(env);
        return pb;
    }

    /** The TaskManagers alive now, by name (tm1, tm2, ...). */
    public List<String> taskManagers() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve("pids"))) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString().replace(".pid", "");
                if (name.startsWith("tm") && handle(name).map(ProcessHandle::isAlive).orElse(false)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** SIGKILL, and wait until it is gone. */
    public void kill(String name) throws IOException, InterruptedException {
        ProcessHandle p = handle(name).orElseThrow(() -> new IllegalStateException(name + " is not running"));
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no goodbye to the JobManager or ZooKeeper
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(name + " (pid " + p.pid() + ") did not die within 10 s of SIGKILL", e);
        }
    }

    /** A new TaskManager under the next free name; returns when it has registered. */
    public String startTaskManager() throws IOException, InterruptedException {
        String name = "tm" + nextTaskManager++;
        scriptStarting(name, "deploy/local/taskmanager.sh", name);
        return name;
    }

    /** SIGKILLs the leading JobManager; from now on the other one leads. Returns the killed one's name. */
    public String killLeader() throws IOException, InterruptedException {
        String killed = leader;
        kill(killed);
        leader = killed.equals("jobmanager1") ? "jobmanager2" : "jobmanager1";
        return killed;
    }

    /** Starts a JobManager again (it stands by). */
    public void startJobManager(String name) throws IOException, InterruptedException {
        scriptStarting(name, "deploy/local/jobmanager.sh", name);
    }

    public void restartBroker() throws IOException, InterruptedException {
        scriptStarting("kafka", "deploy/local/kafka.sh", "restart");
    }

    /** A script that starts process {@code name}; when it fails, the exception carries that process's last words. */
    private void scriptStarting(String name, String... command) throws IOException, InterruptedException {
        try {
            script(Duration.ofMinutes(3), command);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + lastWords(name), e);
        }
    }

    /** The end of log/NAME.out and the last warnings and errors of log/NAME.log (a CI report shows no files). */
    String lastWords(String name) {
        StringBuilder out = new StringBuilder();
        for (String file : new String[] {name + ".out", name + ".log"}) {
            Path f = dir.resolve("log").resolve(file);
            try {
                List<String> lines = Files.readAllLines(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                List<String> tail = file.endsWith(".out") ? lines
                        : lines.stream().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ") || l.startsWith("Caused by")).toList();
                tail = tail.subList(Math.max(0, tail.size() - 15), tail.size()).stream()
                        .map(l -> l.length() > 400 ? l.substring(0, 400) + " ..." : l).toList();
                if (!tail.isEmpty()) {
                    out.append("\n--- end of ").append(f).append(" ---\n").append(String.join("\n", tail));
                }
            } catch (IOException e) {
                out.append("\n(").append(f).append(": ").append(e.getMessage()).append(')');
            }
        }
        return out.toString();
    }

    private java.util.Optional<ProcessHandle> handle(String name) throws IOException {
        Path pid = dir.resolve("pids/" + name + ".pid");
        if (!Files.exists(pid)) {
            return java.util.Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()));
    }

    /** Every pid the scripts recorded (stop.sh must end exactly these). */
    public List<Long> pids() throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve("pids"))) {
            for (Path f : files.toList()) {
                out.add(Long.parseLong(Files.readString(f).trim()));
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        script(Duration.ofMinutes(3), "deploy/local/stop.sh");
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * A port free now and below the kernel's ephemeral range. The scripts bind these ports again
     * when a killed JobManager or the broker comes back; a port from the ephemeral range (what
     * {@code new ServerSocket(0)} gives) can meanwhile become an outgoing connection's local port
     * or a new TaskManager's port-0 listener, and the restart then fails to bind.
     */
    static int freeFixedPort(java.util.Set<Integer> taken) throws IOException {
        int ephemeralLow = ephemeralRangeLow();
        int lo = 20_000;
        if (ephemeralLow - lo < 1_000) {
            throw new IOException("the ephemeral port range starts at " + ephemeralLow
                    + " (net.ipv4.ip_local_port_range): no room under it for the cluster's fixed ports");
        }
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = lo + random.nextInt(ephemeralLow - lo);
            if (!taken.contains(port) && bindable(port)) {
                taken.add(port);
                return port;
            }
        }
        throw new IOException("no free port found in " + lo + "-" + (ephemeralLow - 1));
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int ephemeralRangeLow() {
        try {
            // readAllLines: Files.readString trusts the size /proc reports and returns one byte
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default; IANA's dynamic range starts at 49152
        }
    }
}
