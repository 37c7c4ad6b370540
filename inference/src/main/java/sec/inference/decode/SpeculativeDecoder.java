package sec.inference.decode;

import java.util.Arrays;
import java.util.List;
import sec.inference.decode.accept.AcceptancePolicy;
import sec.inference.decode.accept.SpeculativeSampling;
import sec.inference.decode.credit.CreditPolicy;
import sec.inference.drafter.DraftSession;
import sec.inference.drafter.Drafter;
import sec.inference.verifier.VerifyInput;

/**
 * UGSD for one utterance as a state machine, so that a synchronous loop (offline captioning,
 * evaluation) and a streaming operator (verdicts arriving later from Kafka) drive the same logic:
 * {@link #draftBlock()} proposes a block; a confident block is committed at once, an uncertain one
 * waits for its verdict ({@link #applyVerdict}) or a timeout ({@link #applyTimeout}).
 *
 * <p>Pipelined drafting ({@link SpeculationConfig#lookahead()} > 0): while the oldest sent block
 * waits, up to {@code lookahead} more blocks are drafted as if it were accepted (and sent, when
 * uncertain). Verdicts resolve the blocks oldest first; a rejection discards everything drafted
 * after the rejected block, bumps the epoch (so their verdicts are dropped as stale), and the next
 * draft rolls the drafter's KV cache back to the committed tokens.
 *
 * <p>Credit inertia: with a {@link CreditPolicy} (per call, shared by its utterances), every
 * verdict feeds the policy and every block is gated with the policy's current τ and γ level.
 */
public final class SpeculativeDecoder {
    /** Stands in for a verdict that did not fit its block. */
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
    private final List<AheadBlock> ahead;
    private final CreditPolicy credit;
    private final EmotionGate emotionGate;

    /**
     * Works on an existing state (a streaming operator restores it from keyed state).
     * {@code credit} may be null (no credit inertia).
     */
    public SpeculativeDecoder(Drafter drafter, SpeculationConfig config, AcceptancePolicy acceptance, long eos,
            DecodingState state, CreditPolicy credit) {
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
        this.ahead = state.ahead;
        this.credit = credit;
        this.emotionGate = new EmotionGate(config.tauEmotion(), drafter.emotionTokens());
    }

    public SpeculativeDecoder(Drafter drafter, SpeculationConfig config, AcceptancePolicy acceptance, long eos,
            DecodingState state) {
        this(drafter, config, acceptance, eos, state, null);
    }

    public SpeculativeDecoder(Drafter drafter, DraftSession session, long[] prompt, long eos,
            SpeculationConfig config, BlockController controller, AcceptancePolicy acceptance) {
        this(drafter, config, acceptance, eos, new DecodingState(session, prompt, controller), null);
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

    /** The oldest block waiting for its verdict, or null. */
    public DraftBlock pending() {
        return state.pending();
    }

    /** Whether another block may be drafted now: nothing waits, or fewer than lookahead wait behind the oldest. */
    public boolean canDraft() {
        if (state.finished) {
            return false;
        }
        if (ahead.isEmpty()) {
            return true;
        }
        return ahead.size() <= config.lookahead() && !aheadEndsCaption();
    }

    /**
     * Drafts the next block after the committed tokens and those drafted ahead. Returns null when
     * the block needs no verdict (committed at once, or held until the blocks before it resolve);
     * otherwise the block has been sent and waits for its verdict.
     */
    public DraftBlock draftBlock() {
        return draft(true);
    }

    /**
     * Finishes the caption without the cloud: blocks waiting for a verdict are committed as drafted
     * (UNVERIFIED_TIMEOUT), the rest is drafted and committed on the edge. For a call over its
     * limit of open utterances, so its oldest one stops holding state.
     */
    public void finishOnEdge() {
        while (!state.finished) {
            if (pending() != null) {
                applyTimeout();
            } else {
                draft(false);
            }
        }
    }

    /**
     * Starts the next block (see {@link #draftBlock}) for a caller that feeds the decoder itself
     * ({@link BatchedDrafting}); {@link #finishBlock} completes it.
     */
    BlockDraft beginBlock() {
        if (!canDraft()) {
            throw new IllegalStateException(state.finished ? "caption already finished"
                    : "a block is waiting for its verdict and the lookahead (" + config.lookahead() + ") is used up");
        }
        if (credit != null) {
            controller.follow(credit);
        }
        long[] prefix = prefixWithPrompt(ahead.size());
        float[] logits = drafter.sync(session, prefix, prefix.length);
        int budget = config.maxTokens() - (prefix.length - prompt.length);
        return new BlockDraft(logits, Math.min(controller.gamma(), budget), eos, sampler, acceptance.needsDrafterProbs());
    }

    /** The session a {@link #beginBlock} draft feeds. */
    DraftSession session() {
        return session;
    }

    /** Completes a block from {@link #beginBlock}: as {@link #draftBlock} returns. */
    DraftBlock finishBlock(BlockDraft draft) {
        return finish(draft, true);
    }

    private DraftBlock draft(boolean maySend) {
        BlockDraft draft = beginBlock();
        while (!draft.done()) {
            long t = draft.next();
            if (draft.done()) {
                break;
            }
            draft.fed(drafter.feed(session, t));
        }
        return finish(draft, maySend);
    }

    private DraftBlock finish(BlockDraft draft, boolean maySend) {
        if (!draft.done()) {
            throw new IllegalStateException("the block is not complete");
        }
        DraftBlock block = draft.block();
        int n = block.length();
        int start = nextPosition();
        trace.drafted += n;
        if (maySend && config.mode() == SpeculationConfig.Mode.UGSD && controller.shouldVerify(block, start, emotionGate)) {
            state.blockId++;
            ahead.add(new AheadBlock(block, true, state.blockId, state.epoch));
            trace.sent += n;
            return block;
        }
        if (ahead.isEmpty()) {
            commit(block, n, Provenance.EDGE);
        } else {
            ahead.add(new AheadBlock(block, false, 0, state.epoch));
        }
        return null;
    }

    /** The last block sent: the one {@link #verifyInput} and {@link #decide} are about. */
    private AheadBlock lastSent() {
        for (int i = ahead.size() - 1; i >= 0; i--) {
            if (ahead.get(i).sent) {
                return ahead.get(i);
            }
        }
        throw new IllegalStateException("no block is waiting for a verdict");
    }

    /** The caption tokens before the last sent block: committed ones and those drafted ahead of it. */
    public long[] prefixOfLastSent() {
        long[] withPrompt = prefixWithPrompt(ahead.indexOf(lastSent()));
        return Arrays.copyOfRange(withPrompt, prompt.length, withPrompt.length);
    }

    /** The verifier's input for the last sent block: prompt + prefix (as drafted) + block. */
    public VerifyInput verifyInput(byte[] context, int contextSteps) {
        AheadBlock last = lastSent();
        long[] before = prefixWithPrompt(ahead.indexOf(last));
        long[] tokens = Arrays.copyOf(before, before.length + last.block.length());
        System.arraycopy(last.block.tokens(), 0, tokens, before.length, last.block.length());
        return new VerifyInput(context, contextSteps, tokens, before.length);
    }

    /** Applies the verifier's rows for the last sent block through the acceptance policy. */
    public Decision decide(float[][] verifierRows) {
        return acceptance.decide(lastSent().block, verifierRows, config.bonusToken());
    }

    /** The verdict for the oldest waiting block. */
    public void applyVerdict(Decision d) {
        AheadBlock head = requireHead();
        applyVerdict(head.blockId, head.epoch, d);
    }

    /**
     * A verdict for a sent block. One for a block that is no longer waiting (discarded by a
     * rollback, timed out, or unknown) changes nothing: STALE. One that does not fit its block
     * ({@link Decision#fits}) settles the block as if no verdict had come, committed as drafted and
     * marked UNVERIFIED_TIMEOUT: UNUSABLE.
     */
    public VerdictOutcome applyVerdict(int blockId, int epoch, Decision d) {
        AheadBlock a = state.find(blockId, epoch);
        if (a == null) {
            return VerdictOutcome.STALE;
        }
        boolean fits = d.fits(a.block.length(), drafter.vocabSize());
        a.verdict = fits ? d : Decision.UNUSABLE;
        resolve();
        return fits ? VerdictOutcome.APPLIED : VerdictOutcome.UNUSABLE;
    }

    /** No verdict in time for the oldest waiting block: it is committed as drafted, marked so. */
    public void applyTimeout() {
        AheadBlock head = requireHead();
        ahead.remove(0);
        commitUnverified(head.block);
        resolve();
    }

    private void commitUnverified(DraftBlock block) {
        trace.timeouts += block.length();
        commit(block, block.length(), Provenance.UNVERIFIED_TIMEOUT);
    }

    /** Commits blocks oldest first while each one's fate is known. */
    private void resolve() {
        while (!ahead.isEmpty() && !state.finished) {
            AheadBlock head = ahead.get(0);
            if (head.sent && head.verdict == null) {
                return;
            }
            ahead.remove(0);
            if (!head.sent) {
                commit(head.block, head.block.length(), Provenance.EDGE);
            } else if (head.verdict.accepted() < 0) { // UNUSABLE, also after a restore
                commitUnverified(head.block);
            } else {
                applyResolved(head.block, head.verdict);
            }
        }
        if (state.finished) {
            discardAhead();
        }
    }

    /** Commits the accepted prefix, then the correction or bonus token; γ and credit follow the verdict. */
    private void applyResolved(DraftBlock block, Decision d) {
        int accepted = d.accepted();
        boolean all = accepted == block.length() && !d.corrected();
        trace.rounds++;
        trace.accepted += accepted;
        commit(block, accepted, Provenance.VERIFIED);
        controller.onVerdict(d, block.length());
        if (credit != null) {
            credit.onWindow(accepted, block.length());
        }
        if (state.finished) {
            return;
        }
        if (!all) {
            discardAhead(); // drafted on the assumption that this block was accepted whole
            if (d.corrected()) {
                addVerifierToken(d.correction());
            }
        } else if (d.hasBonus()) {
            if (ahead.isEmpty()) {
                addVerifierToken(d.bonus());
            } else if (config.preHit() && ahead.get(0).block.tokens()[0] != d.bonus()) {
                discardAhead(); // pre-hit: the next window's first token already fails
                addVerifierToken(d.bonus());
            } // otherwise the next window carries that position and its own verdict decides it
        }
    }

    private void addVerifierToken(long token) {
        trace.corrected++;
        trace.add(token, Provenance.CORRECTED, Float.NaN);
        finishIf(token);
    }

    private void discardAhead() {
        if (ahead.isEmpty()) {
            return;
        }
        for (AheadBlock a : ahead) {
            trace.discarded += a.block.length();
            trace.drafted -= a.block.length();
            trace.sent -= a.sent ? a.block.length() : 0;
        }
        ahead.clear();
        state.epoch++;
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

    /** Whether the blocks drafted ahead already end the caption (end token or token budget). */
    private boolean aheadEndsCaption() {
        int n = trace.length();
        for (AheadBlock a : ahead) {
            n += a.block.length();
            if (a.block.tokens()[a.block.length() - 1] == eos) {
                return true;
            }
        }
        return n >= config.maxTokens();
    }

    /** The caption position the next drafted block starts at: after the committed tokens and those drafted ahead. */
    private int nextPosition() {
        int at = trace.length();
        for (AheadBlock a : ahead) {
            at += a.block.length();
        }
        return at;
    }

    /** Prompt, committed tokens, then the first {@code blocks} blocks drafted ahead. */
    private long[] prefixWithPrompt(int blocks) {
        int len = prompt.length + trace.length();
        for (int i = 0; i < blocks; i++) {
            len += ahead.get(i).block.length();
        }
        long[] all = Arrays.copyOf(prompt, len);
        int at = prompt.length;
        for (int i = 0; i < trace.length(); i++) {
            all[at++] = trace.token(i);
        }
        for (int i = 0; i < blocks; i++) {
            long[] t = ahead.get(i).block.tokens();
            System.arraycopy(t, 0, all, at, t.length);
            at += t.length;
        }
        return all;
    }

    private AheadBlock requireHead() {
        if (ahead.isEmpty()) {
            throw new IllegalStateException("no block is waiting for a verdict");
        }
        return ahead.get(0);
    }
}
