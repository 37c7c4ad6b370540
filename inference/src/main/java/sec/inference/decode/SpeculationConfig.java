package sec.inference.decode;

import sec.inference.decode.accept.AcceptancePolicy;
import sec.inference.decode.accept.DivergenceAcceptance;
import sec.inference.decode.accept.ExactAcceptance;
import sec.inference.decode.accept.RankAcceptance;
import sec.inference.decode.accept.SpeculativeSampling;
import sec.inference.decode.credit.CreditConfig;

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
        double tauEmotion,
        GammaPolicy gammaPolicy,
        int gammaFixed,
        int gammaMin,
        int gammaDefault,
        int gammaMax,
        boolean bonusToken,
        long seed,
        int maxTokens,
        CreditConfig credit,
        int lookahead,
        boolean preHit) implements java.io.Serializable {

    /** The default gate at the emotion-deciding tokens (nats); see {@link #defaults()}. */
    public static final double DEFAULT_TAU_EMOTION = 0.5;

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
        require(lookahead >= 0, "lookahead", lookahead, ">= 0");
    }

    /** Whether credit inertia moves τ and γ (per call); null credit settings leave them fixed. */
    public boolean creditInertia() {
        return credit != null;
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("setting '" + key + "' = " + value + " must be " + rule);
        }
    }

    /**
     * Defaults: exact acceptance, dynamic γ in {2, 4, 6}, bonus token on, τ = 1.3 nats: chosen on
     * models/calib with the previous pair as the lowest gate that keeps ρ ≤ 0.25 in both languages
     * (τ 1.2 gave 0.26 zh); with the current pair on the held-out set τ 1.3 gives ρ 0.17 en, 0.19 zh,
     * and τ 1.0 already 0.25 zh (docs/EVALUATION.md, "Credit inertia and pipelined drafting"). Exact, not the seed paper's
     * rank-20: with a 157-token vocabulary the top 20 hold every plausible word, so rank-20 accepts
     * the drafter's errors (0 of 50 held-out English captions changed); exact acceptance at
     * ρ = 0.16 lifted BLEU-1 from 68 to 87.5 (docs/EVALUATION.md, "Choosing the acceptance rule").
     */
    public static SpeculationConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = mode;
        b.acceptance = acceptance;
        b.rankK = rankK;
        b.divergence = divergence;
        b.tau = tau;
        b.tauEmotion = tauEmotion;
        b.gammaPolicy = gammaPolicy;
        b.gammaFixed = gammaFixed;
        b.gammaMin = gammaMin;
        b.gammaDefault = gammaDefault;
        b.gammaMax = gammaMax;
        b.bonusToken = bonusToken;
        b.seed = seed;
        b.maxTokens = maxTokens;
        b.credit = credit;
        b.lookahead = lookahead;
        b.preHit = preHit;
        return b;
    }

    public SpeculationConfig withMode(Mode m) {
        return toBuilder().mode(m).build();
    }

    public SpeculationConfig withAcceptance(Acceptance a, int k) {
        return toBuilder().acceptance(a).rankK(k).build();
    }

    public SpeculationConfig withTau(double t) {
        return toBuilder().tau(t).build();
    }

    public SpeculationConfig withGamma(GammaPolicy p, int fixed) {
        return toBuilder().gammaPolicy(p).gammaFixed(fixed).build();
    }

    public SpeculationConfig withCredit(CreditConfig c) {
        return toBuilder().credit(c).build();
    }

    public SpeculationConfig withLookahead(int blocks) {
        return toBuilder().lookahead(blocks).build();
    }

    /** Fluent construction; unset values keep the defaults. */
    public static final class Builder {
        private Mode mode = Mode.UGSD;
        private Acceptance acceptance = Acceptance.EXACT;
        private int rankK = 20;
        private double divergence = 1.0;
        private double tau = 1.3;
        private double tauEmotion = DEFAULT_TAU_EMOTION;
        private GammaPolicy gammaPolicy = GammaPolicy.DYNAMIC;
        private int gammaFixed = 4;
        private int gammaMin = 2;
        private int gammaDefault = 4;
        private int gammaMax = 6;
        private boolean bonusToken = true;
        private long seed = 42L;
        private int maxTokens = 60;
        private CreditConfig credit;
        private int lookahead;
        private boolean preHit = true;

        public Builder mode(Mode v) { mode = v; return this; }
        public Builder acceptance(Acceptance v) { acceptance = v; return this; }
        public Builder rankK(int v) { rankK = v; return this; }
        public Builder divergence(double v) { divergence = v; return this; }
        public Builder tau(double v) { tau = v; return this; }
        /** The gate at the tokens that decide the emotion ({@link EmotionGate}); at or above τ it changes nothing. */
        public Builder tauEmotion(double v) { tauEmotion = v; return this; }
        public Builder gammaPolicy(GammaPolicy v) { gammaPolicy = v; return this; }
        public Builder gammaFixed(int v) { gammaFixed = v; return this; }
        public Builder gammaLevels(int min, int def, int max) { gammaMin = min; gammaDefault = def; gammaMax = max; return this; }
        public Builder bonusToken(boolean v) { bonusToken = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        /** Credit inertia's settings; null (the default) keeps τ and γ to their own rules. */
        public Builder credit(CreditConfig v) { credit = v; return this; }
        /** Pipelined drafting: blocks drafted past the oldest one still waiting for its verdict (0 = off). */
        public Builder lookahead(int v) { lookahead = v; return this; }
        /** Pre-hit: a verdict's bonus token checks the next window's first token and discards it early. */
        public Builder preHit(boolean v) { preHit = v; return this; }

        public SpeculationConfig build() {
            return new SpeculationConfig(mode, acceptance, rankK, divergence, tau, tauEmotion, gammaPolicy, gammaFixed,
                    gammaMin, gammaDefault, gammaMax, bonusToken, seed, maxTokens, credit, lookahead, preHit);
        }
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
