package sec.inference.decode;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import sec.inference.decode.credit.CreditPolicy;

/**
 * UGSD's block rules: the entropy gate (send a block when its largest entropy exceeds τ, or a lower
 * τ at the tokens that decide the emotion: {@link EmotionGate}) and the
 * block length γ, fixed, dynamic over {γmin, γdefault, γmax} (one level down after a corrected
 * block, one up after two fully accepted blocks in a row), or Hugging Face's +2/−1 heuristic.
 */
public final class BlockController {
    private final SpeculationConfig.GammaPolicy policy;
    private final int[] levels;
    private final int min;
    private final int max;
    private double tau;
    private int gamma;
    private int level;
    private int acceptedStreak;
    private int creditMoves;

    public BlockController(SpeculationConfig config) {
        this.policy = config.gammaPolicy();
        this.levels = new int[] {config.gammaMin(), config.gammaDefault(), config.gammaMax()};
        this.min = config.gammaMin();
        this.max = config.gammaMax();
        this.tau = config.tau();
        this.level = 1;
        this.gamma = policy == SpeculationConfig.GammaPolicy.FIXED ? config.gammaFixed() : levels[1];
    }

    private BlockController(SpeculationConfig.GammaPolicy policy, int[] levels, double tau, int gamma, int level,
            int acceptedStreak) {
        this.policy = policy;
        this.levels = levels;
        this.min = levels[0];
        this.max = levels[2];
        this.tau = tau;
        this.gamma = gamma;
        this.level = level;
        this.acceptedStreak = acceptedStreak;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeByte(policy.ordinal());
        for (int l : levels) {
            out.writeInt(l);
        }
        out.writeDouble(tau);
        out.writeInt(gamma);
        out.writeInt(level);
        out.writeInt(acceptedStreak);
        out.writeInt(creditMoves);
    }

    /** Reads what {@link #writeTo} wrote; {@code format} 1 (before credit inertia) has no credit counter. */
    static BlockController readFrom(DataInput in, int format) throws IOException {
        SpeculationConfig.GammaPolicy policy = SpeculationConfig.GammaPolicy.values()[in.readByte()];
        int[] levels = {in.readInt(), in.readInt(), in.readInt()};
        BlockController c = new BlockController(policy, levels, in.readDouble(), in.readInt(), in.readInt(), in.readInt());
        c.creditMoves = format >= 2 ? in.readInt() : 0;
        return c;
    }

    public int gamma() {
        return gamma;
    }

    public double tau() {
        return tau;
    }


    /**
     * Takes τ from the call's credit, and its γ level when the credit has moved since this block
     * controller last followed it (between moves, γ keeps to its own policy). A fixed γ stays fixed.
     */
    public void follow(CreditPolicy credit) {
        tau = credit.tau();
        if (credit.moves() != creditMoves) {
            creditMoves = credit.moves();
            if (policy != SpeculationConfig.GammaPolicy.FIXED) {
                level = credit.gammaLevel();
                gamma = levels[level];
                acceptedStreak = 0;
            }
        }
    }

    /**
     * The gate: verify when a token's entropy exceeds τ, or the emotion gate's lower one at a token
     * that decides the emotion; {@code start} is the block's first caption position.
     */
    public boolean shouldVerify(DraftBlock block, int start, EmotionGate emotion) {
        for (int i = 0; i < block.length(); i++) {
            if (block.entropies()[i] > emotion.limit(tau, start + i, block.tokens()[i])) {
                return true;
            }
        }
        return false;
    }

    /** Updates γ after a verdict on a block of {@code length} tokens. */
    public void onVerdict(Decision decision, int length) {
        boolean allAccepted = decision.accepted() == length && !decision.corrected();
        switch (policy) {
            case FIXED -> { }
            case DYNAMIC -> {
                if (!allAccepted) {
                    acceptedStreak = 0;
                    level = Math.max(0, level - 1);
                } else if (++acceptedStreak >= 2) {
                    acceptedStreak = 0;
                    level = Math.min(2, level + 1);
                }
                gamma = levels[level];
            }
            case HEURISTIC -> gamma = allAccepted ? Math.min(max, gamma + 2) : Math.max(min, gamma - 1);
        }
    }
}
