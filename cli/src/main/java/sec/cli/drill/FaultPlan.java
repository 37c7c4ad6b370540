package sec.cli.drill;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which fault comes when, from a seed: every kind asked for at least once (when there are as many
 * faults as kinds), the rest drawn at random, in a shuffled order; before each, a quiet gap drawn
 * between {@code minGapMs} and {@code maxGapMs} after the previous fault's recovery. The same seed
 * gives the same plan, so a failing drill can be run again as it was.
 */
public record FaultPlan(long seed, List<Step> steps) {
    public record Step(FaultKind kind, long gapMs) {}

    public FaultPlan {
        steps = List.copyOf(steps);
    }

    public static FaultPlan of(long seed, int faults, List<FaultKind> kinds, long minGapMs, long maxGapMs) {
        if (faults < 1) {
            throw new IllegalArgumentException("a drill needs at least one fault, got " + faults);
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no fault kinds to draw from");
        }
        if (minGapMs < 0 || maxGapMs < minGapMs) {
            throw new IllegalArgumentException("gaps must satisfy 0 <= min <= max, got " + minGapMs + ".." + maxGapMs);
        }
        Random random = new Random(seed);
        List<FaultKind> drawn = new ArrayList<>(kinds.subList(0, Math.min(faults, kinds.size())));
        while (drawn.size() < faults) {
            drawn.add(kinds.get(random.nextInt(kinds.size())));
        }
        Collections.shuffle(drawn, random);
        List<Step> steps = new ArrayList<>();
        for (FaultKind k : drawn) {
            steps.add(new Step(k, minGapMs + (long) (random.nextDouble() * (maxGapMs - minGapMs))));
        }
        return new FaultPlan(seed, steps);
    }
}
