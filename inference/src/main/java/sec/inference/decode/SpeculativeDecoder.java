package sec.inference.decode;

import java.util.Arrays;
import sec.inference.drafter.DraftSession;
import sec.inference.drafter.Drafter;
import sec.inference.verifier.VerifyInput;

/**
 * UGSD for one utterance as a state machine, so that a synchronous loop (offline captioning,
 * evaluation) and a streaming operator (verdicts arriving later from Kafka) drive the same logic:
 * {@link #draftBlock()} proposes a block; a confident block is committed at once, an uncertain one
 * waits for {@link #applyVerdict} or {@link #applyTimeout}.
 */
public final class SpeculativeDecoder {
    private final Drafter drafter;
    private final SpeculationConfig config;
    private final AcceptancePolicy acceptance;
    private final SpeculativeSampling sampler;
    private final long eos;
    private final DecodingState state;
    private final DraftSession session;
    private final long[] prompt;
    private final BlockController controller;
    private final CaptionTrace trace;

    /** Works on an existing state (a streaming operator restores it from keyed state). */
    public SpeculativeDecoder(Drafter drafter, SpeculationConfig config, AcceptancePolicy acceptance, long eos,
            DecodingState state) {
        this.drafter = drafter;
        this.config = config;
        this.acceptance = acceptance;
        this.sampler = acceptance instanceof SpeculativeSampling s ? s : null;
        this.eos = eos;
        this.state = state;
        this.session = state.session;
        this.prompt = state.prompt;
        this.controller = state.controller;
        this.trace = state.trace;
    }

    public SpeculativeDecoder(Drafter drafter, DraftSession session, long[] prompt, long eos,
            SpeculationConfig config, BlockController controller, AcceptancePolicy acceptance) {
        this(drafter, config, acceptance, eos, new DecodingState(session, prompt, controller));
    }

    public DecodingState state() {
        return state;
    }

    public CaptionTrace trace() {
        return trace;
    }

    public BlockController controller() {
        return controller;
    }

    public boolean finished() {
        return state.finished;
    }

    public DraftBlock pending() {
        return state.pending;
    }

    /**
     * Drafts the next block from the committed tokens. Returns null when the block was committed
     * locally (or the caption finished); otherwise the block now waits for a verdict.
     */
    public DraftBlock draftBlock() {
        if (state.finished || state.pending != null) {
            throw new IllegalStateException(state.finished ? "caption already finished" : "a block is waiting for its verdict");
        }
        float[] logits = drafter.sync(session, committedWithPrompt(), prompt.length + trace.length());
        int budget = config.maxTokens() - trace.length();
        int gamma = Math.min(controller.gamma(), budget);
        long[] tokens = new long[gamma];
        float[] ents = new float[gamma];
        float[][] probs = acceptance.needsDrafterProbs() ? new float[gamma][] : null;
        int n = 0;
        while (n < gamma) {
            float[] p = sampler != null ? Logits.softmax(logits) : null;
            long t = sampler != null ? sampler.draw(p) : Logits.argmax(logits);
            tokens[n] = t;
            ents[n] = (float) Logits.entropy(logits);
            if (probs != null) {
                probs[n] = p;
            }
            n++;
            if (t == eos || n == gamma) {
                break;
            }
            logits = drafter.feed(session, t);
        }
        DraftBlock block = new DraftBlock(Arrays.copyOf(tokens, n), Arrays.copyOf(ents, n),
                probs == null ? null : Arrays.copyOf(probs, n));
        trace.drafted += n;
        if (config.mode() == SpeculationConfig.Mode.UGSD && controller.shouldVerify(block)) {
            state.pending = block;
            state.blockId++;
            trace.sent += n;
            return block;
        }
        commit(block, n, Provenance.EDGE);
        return null;
    }

    /** The verifier's input for the pending block: prompt + committed prefix + block. */
    public VerifyInput verifyInput(byte[] context, int contextSteps) {
        requirePending();
        DraftBlock pending = state.pending;
        long[] tokens = Arrays.copyOf(committedWithPrompt(), prompt.length + trace.length() + pending.length());
        System.arraycopy(pending.tokens(), 0, tokens, prompt.length + trace.length(), pending.length());
        return new VerifyInput(context, contextSteps, tokens, prompt.length + trace.length());
    }

    /** Applies the verifier's rows for the pending block through the acceptance policy. */
    public Decision decide(float[][] verifierRows) {
        requirePending();
        return acceptance.decide(state.pending, verifierRows, config.bonusToken());
    }

    /** Commits the accepted prefix, then the correction or bonus token; γ follows the verdict. */
    public void applyVerdict(Decision d) {
        requirePending();
        DraftBlock block = state.pending;
        state.pending = null;
        state.epoch++;
        int accepted = Math.max(0, Math.min(d.accepted(), block.length()));
        trace.rounds++;
        trace.accepted += accepted;
        commit(block, accepted, Provenance.VERIFIED);
        if (!state.finished) {
            int extra = d.corrected() ? d.correction() : d.bonus();
            if (extra != Decision.NONE && (d.corrected() || accepted == block.length())) {
                trace.corrected++;
                trace.add(extra, Provenance.CORRECTED, Float.NaN);
                finishIf(extra);
            }
        }
        controller.onVerdict(d, block.length());
    }

    /** No verdict in time: the block is committed as drafted, marked so. */
    public void applyTimeout() {
        requirePending();
        DraftBlock block = state.pending;
        state.pending = null;
        state.epoch++;
        trace.timeouts += block.length();
        commit(block, block.length(), Provenance.UNVERIFIED_TIMEOUT);
    }

    private void commit(DraftBlock block, int count, Provenance who) {
        for (int i = 0; i < count && !state.finished; i++) {
            trace.add(block.tokens()[i], who, block.entropies()[i]);
            finishIf(block.tokens()[i]);
        }
    }

    private void finishIf(long token) {
        if (token == eos || trace.length() >= config.maxTokens()) {
            state.finished = true;
        }
    }

    private long[] committedWithPrompt() {
        long[] all = new long[prompt.length + trace.length()];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        for (int i = 0; i < trace.length(); i++) {
            all[prompt.length + i] = trace.token(i);
        }
        return all;
    }

    private void requirePending() {
        if (state.pending == null) {
            throw new IllegalStateException("no block is waiting for a verdict");
        }
    }
}
