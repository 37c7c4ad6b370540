package sec.inference.decode;

/**
 * Everything that shapes one speculative decoding run. Built once from the command line or the
 * job configuration and validated here, so a bad value fails with the name of its setting.
 */
public record SpeculationConfig(
        Mode mode,
        Acceptance acceptance,
        int rankK,
        double divergence,
        double tau,
        GammaPolicy gammaPolicy,
        int gammaFixed,
        int gammaMin,
        int gammaDefault,
        int gammaMax,
        boolean bonusToken,
        long seed,
        int maxTokens) {

    /** edge = drafter alone; cloud = verifier alone; ugsd = speculative decoding between them. */
    public enum Mode { EDGE, CLOUD, UGSD }

    public enum Acceptance { RANK, EXACT, SAMPLING, DIVERGENCE }

    /** fixed γ; UGSD's three-level dynamic γ; Hugging Face assisted generation's +2/-1 heuristic. */
    public enum GammaPolicy { FIXED, DYNAMIC, HEURISTIC }

    public SpeculationConfig {
        require(rankK >= 1, "k", rankK, ">= 1");
        require(divergence >= 0, "divergence", divergence, ">= 0");
        require(gammaFixed >= 1, "gamma", gammaFixed, ">= 1");
        require(gammaMin >= 1 && gammaMin <= gammaDefault && gammaDefault <= gammaMax,
                "gamma-min/default/max", gammaMin + "/" + gammaDefault + "/" + gammaMax,
                "1 <= min <= default <= max");
        require(maxTokens >= 1, "max-tokens", maxTokens, ">= 1");
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("setting '" + key + "' = " + value + " must be " + rule);
        }
    }

    /** UGSD defaults: rank-20 acceptance, dynamic γ in {2, 4, 6}, τ = 0.5 nats, bonus token on. */
    public static SpeculationConfig defaults() {
        return new SpeculationConfig(Mode.UGSD, Acceptance.RANK, 20, 1.0, 0.5, GammaPolicy.DYNAMIC,
                4, 2, 4, 6, true, 42L, 60);
    }

    public SpeculationConfig withMode(Mode m) {
        return new SpeculationConfig(m, acceptance, rankK, divergence, tau, gammaPolicy, gammaFixed,
                gammaMin, gammaDefault, gammaMax, bonusToken, seed, maxTokens);
    }

    public SpeculationConfig withAcceptance(Acceptance a, int k) {
        return new SpeculationConfig(mode, a, k, divergence, tau, gammaPolicy, gammaFixed, gammaMin,
                gammaDefault, gammaMax, bonusToken, seed, maxTokens);
    }

    public SpeculationConfig withTau(double t) {
        return new SpeculationConfig(mode, acceptance, rankK, divergence, t, gammaPolicy, gammaFixed,
                gammaMin, gammaDefault, gammaMax, bonusToken, seed, maxTokens);
    }

    public SpeculationConfig withGamma(GammaPolicy p, int fixed) {
        return new SpeculationConfig(mode, acceptance, rankK, divergence, tau, p, fixed, gammaMin,
                gammaDefault, gammaMax, bonusToken, seed, maxTokens);
    }

    public AcceptancePolicy acceptancePolicy() {
        return switch (acceptance) {
            case RANK -> new RankAcceptance(rankK);
            case EXACT -> new ExactAcceptance();
            case SAMPLING -> new SpeculativeSampling(seed);
            case DIVERGENCE -> new DivergenceAcceptance(divergence);
        };
    }
}
