package sec.operators;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sec.inference.AudioFeatures;
import sec.inference.EdgeModels;
import sec.inference.audio.InvalidAudioException;
import sec.inference.audio.SpeakerBaseline;
import sec.inference.decode.BlockController;
import sec.inference.decode.CaptionTrace;
import sec.inference.decode.Decision;
import sec.inference.decode.DecodingState;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.SpeculativeDecoder;
import sec.inference.decode.accept.AcceptancePolicy;
import sec.inference.decode.credit.CreditPolicy;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;
import sec.inference.text.EmotionLexicon;
import sec.schemas.AcousticContext;
import sec.schemas.Channel;
import sec.schemas.EmotionCaption;
import sec.schemas.Provenance;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * Keyed by call: utterances in, verdicts back, captions out. Each utterance's decoding state lives
 * in keyed state, so a block waiting for its verdict blocks nothing else; with pipelined drafting
 * several blocks of an utterance are in flight at once, and the call's credit-inertia state is
 * keyed state too. Stale verdicts (a block discarded by a rollback, timed out, an old epoch, another
 * call's utterance) are dropped and counted; a block whose verdict misses the deadline, or whose
 * verdict does not fit it (garbage from the verifier), is committed as drafted and marked
 * UNVERIFIED_TIMEOUT, so a dead or broken cloud degrades to edge-only captions. All decoding is the
 * inference core's {@link SpeculativeDecoder}; this class only keeps state, timers and records.
 */
public class SpeculativeDrafter extends KeyedCoProcessFunction<String, Utterance, Verdict, EmotionCaption> {
    public static final OutputTag<VerifyRequest> REQUESTS = new OutputTag<>("verify-requests") {};
    public static final OutputTag<AcousticContext> CONTEXTS = new OutputTag<>("acoustic-contexts") {};
    public static final OutputTag<EmotionCaption> PARTIALS = new OutputTag<>("partial-captions") {};
    /** How long a call's credit-inertia state outlives its last verdict. */
    public static final Duration CREDIT_IDLE_TTL = Duration.ofMinutes(30);
    private static final Logger LOG = LoggerFactory.getLogger(SpeculativeDrafter.class);

    private final DrafterConfig config;
    private transient EdgeModels models;
    private transient EmotionLexicon lexicon;
    private transient AcceptancePolicy acceptance;
    private transient MapState<String, UtteranceDecoding> utterances;
    private transient ValueState<byte[]> callCredit;
    /** Per channel of the call, the speaker's prosody baseline over the utterances heard so far. */
    private transient MapState<String, byte[]> speakerBaselines;
    private transient DrafterMetrics metrics;
    /** Set by {@link BatchingDrafterOperator}: calls to draft later, together; null: draft at once. */
    private transient java.util.function.Consumer<String> deferral;

    public SpeculativeDrafter(DrafterConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        models = EdgeModels.load(Path.of(config.modelDir()));
        lexicon = new EmotionLexicon(models.manifest().emotions());
        acceptance = config.speculation().acceptancePolicy();
        utterances = getRuntimeContext().getMapState(new MapStateDescriptor<>("utterance-decodings",
                StringSerializer.INSTANCE, new UtteranceDecodingSerializer(config.checkpointKvCache())));
        ValueStateDescriptor<byte[]> credit = new ValueStateDescriptor<>("call-credit", BytePrimitiveArraySerializer.INSTANCE);
        // a call's end is not signalled, so its credit goes when the call has been quiet this long
        credit.enableTimeToLive(StateTtlConfig.newBuilder(CREDIT_IDLE_TTL).build());
        callCredit = getRuntimeContext().getState(credit);
        MapStateDescriptor<String, byte[]> baselines = new MapStateDescriptor<>("speaker-baselines",
                StringSerializer.INSTANCE, BytePrimitiveArraySerializer.INSTANCE);
        baselines.enableTimeToLive(StateTtlConfig.newBuilder(CREDIT_IDLE_TTL).build());
        speakerBaselines = getRuntimeContext().getMapState(baselines);
        metrics = new DrafterMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void close() {
        if (models != null) {
            models.close();
        }
    }

    @Override
    public void processElement1(Utterance u, Context ctx, Collector<EmotionCaption> out) throws Exception {
        AudioFeatures f;
        try {
            f = models.features().features(u.samples, models.manifest().mel().sampleRate(), u.utteranceId);
        } catch (InvalidAudioException e) {
            LOG.warn("utterance skipped: {}", e.getMessage());
            return;
        }
        if (!f.speech()) {
            metrics.noSpeech.inc(); // an emotion read off noise is worse than none
            LOG.debug("{}: not speech, no caption", u.utteranceId);
            return;
        }
        EncodedAudio audio = models.drafter().encode(f, heardSoFar(u.channel, f));
        ctx.output(CONTEXTS, AcousticContext.newBuilder().setCallId(u.callId).setUtteranceId(u.utteranceId)
                .setFeatures(ByteBuffer.wrap(audio.context())).setSteps(audio.steps()).setDim(audio.contextDim())
                .setDtype("int8").setModelId(models.manifest().name()).build());
        long[] prompt = models.manifest().prompt(u.language);
        DecodingState state = new DecodingState(models.drafter().start(audio, prompt), prompt,
                new BlockController(config.speculation()));
        CreditPolicy credit = credit();
        DraftOutput o = output(ctx, out);
        makeRoom(credit, ctx.getCurrentKey(), o);
        advance(new UtteranceDecoding(u, o.now(), state), credit, ctx.getCurrentKey(), o);
        stateSizeAfterDrafting();
    }

    /**
     * The speaker's baseline before this utterance (null for the channel's first), then this
     * utterance added to it: the models read emotion as the deviation from this caller's own voice.
     */
    private SpeakerBaseline.Value heardSoFar(String channel, AudioFeatures f) throws Exception {
        if (f.prosody() == null) {
            return null;
        }
        byte[] kept = speakerBaselines.get(channel);
        SpeakerBaseline b = kept == null ? new SpeakerBaseline()
                : SpeakerBaseline.read(new DataInputStream(new ByteArrayInputStream(kept)));
        SpeakerBaseline.Value before = b.hear(f.prosody());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        b.write(new DataOutputStream(out));
        speakerBaselines.put(channel, out.toByteArray());
        return before;
    }

    /**
     * Keeps a call's open utterances under {@code drafter.max-open-utterances}: when the cloud is
     * slower than the call talks, the oldest is finished on the edge (waiting blocks unverified).
     */
    private void makeRoom(CreditPolicy credit, String callId, DraftOutput o) throws Exception {
        UtteranceDecoding oldest = null;
        int open = 0;
        for (UtteranceDecoding ud : utterances.values()) {
            open++;
            if (oldest == null || ud.receivedAtMs < oldest.receivedAtMs) {
                oldest = ud;
            }
        }
        if (open < config.maxOpenUtterances()) {
            return;
        }
        metrics.overLimit.inc();
        decoder(oldest, credit).finishOnEdge();
        advance(oldest, credit, callId, o);
    }

    @Override
    public void processElement2(Verdict v, Context ctx, Collector<EmotionCaption> out) throws Exception {
        // keyed by call: a verdict naming another call's utterance finds nothing here
        UtteranceDecoding ud = utterances.get(v.getUtteranceId());
        if (ud == null || !ud.state.expects(v.getBlockId(), v.getEpoch())) {
            metrics.staleVerdicts.inc(); // a discarded block, a timed-out one, an old epoch, a finished utterance
            return;
        }
        metrics.roundTrip(ctx.timerService().currentProcessingTime() - v.getSentAtMs());
        CreditPolicy credit = credit();
        DraftBlock oldest = ud.state.pending();
        SpeculativeDecoder decoder = decoder(ud, credit);
        Decision d = new Decision(v.getAccepted(), v.getCorrection() == null ? Decision.NONE : v.getCorrection(),
                v.getBonus() == null ? Decision.NONE : v.getBonus());
        if (!decoder.fits(v.getBlockId(), v.getEpoch(), d)) {
            metrics.unusableVerdicts.inc();
            LOG.debug("verdict for {} block {} does not fit it: {}", v.getUtteranceId(), v.getBlockId(), d);
        }
        decoder.applyVerdict(v.getBlockId(), v.getEpoch(), d);
        if (ud.state.pending() != oldest) { // the oldest block resolved: the deadline watches the next one
            ctx.timerService().deleteProcessingTimeTimer(ud.deadlineMs);
            ud.deadlineMs = 0;
        }
        advance(ud, credit, ctx.getCurrentKey(), output(ctx, out));
        stateSizeAfterDrafting();
    }

    /** The call's state size, once drafted: now, or for a deferred call after its batch ({@link #settle(CallDrafts, DraftOutput)}). */
    private void stateSizeAfterDrafting() throws Exception {
        if (deferral == null) {
            metrics.callState(stateBytes());
        }
    }

    /** Heap bytes of the call's open utterances: KV caches, encoder states, cross-attention keys and values. */
    private long stateBytes() throws Exception {
        long bytes = 0;
        for (UtteranceDecoding ud : utterances.values()) {
            bytes += ud.state.session().heapBytes();
        }
        return bytes;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmotionCaption> out) throws Exception {
        List<UtteranceDecoding> due = new ArrayList<>();
        for (UtteranceDecoding ud : utterances.values()) {
            if (ud.state.pending() != null && ud.deadlineMs != 0 && ud.deadlineMs <= timestamp) {
                due.add(ud);
            }
        }
        CreditPolicy credit = credit();
        DraftOutput o = output(ctx, out);
        for (UtteranceDecoding ud : due) {
            decoder(ud, credit).applyTimeout();
            ud.deadlineMs = 0;
            advance(ud, credit, ctx.getCurrentKey(), o);
        }
    }

    /** The call's credit-inertia state (shared by its utterances), or null when credit inertia is off. */
    private CreditPolicy credit() throws Exception {
        SpeculationConfig spec = config.speculation();
        if (!spec.creditInertia()) {
            return null;
        }
        byte[] kept = callCredit.value();
        return kept == null ? new CreditPolicy(spec.credit(), spec.tau())
                : CreditPolicy.readFrom(new DataInputStream(new ByteArrayInputStream(kept)), spec.credit());
    }

    private void keep(CreditPolicy credit) throws Exception {
        if (credit != null) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            credit.writeTo(new DataOutputStream(b));
            callCredit.update(b.toByteArray());
        }
    }

    private SpeculativeDecoder decoder(UtteranceDecoding ud, CreditPolicy credit) {
        return new SpeculativeDecoder(models.drafter(), config.speculation(), acceptance, models.manifest().eos(), ud.state, credit);
    }

    /**
     * Drafts while the decoder may (with pipelined drafting, several blocks go out behind the
     * oldest one waiting), then settles the utterance. Under the batching operator the drafting is
     * left to it: the state is stored and the call handed over, to be drafted with other calls.
     */
    private void advance(UtteranceDecoding ud, CreditPolicy credit, String callId, DraftOutput o) throws Exception {
        if (deferral != null) {
            keep(credit);
            utterances.put(ud.utterance.utteranceId, ud);
            deferral.accept(callId);
            return;
        }
        SpeculativeDecoder decoder = decoder(ud, credit);
        long now = o.now();
        while (decoder.canDraft()) {
            DraftBlock block = decoder.draftBlock();
            if (block != null) {
                o.request(request(ud, decoder, block, now));
            }
        }
        settle(ud, decoder, credit, o);
    }

    /** After drafting: the utterance waits for a verdict (deadline set, partial caption) or is finished (caption). */
    private void settle(UtteranceDecoding ud, SpeculativeDecoder decoder, CreditPolicy credit, DraftOutput o)
            throws Exception {
        keep(credit);
        metrics.inForce(ud.state.controller());
        long now = o.now();
        if (!decoder.finished()) {
            if (ud.deadlineMs == 0) {
                ud.deadlineMs = now + config.verdictDeadlineMs();
                o.registerDeadline(ud.deadlineMs);
            }
            partial(ud, o);
            utterances.put(ud.utterance.utteranceId, ud);
            return;
        }
        if (ud.deadlineMs != 0) {
            o.deleteDeadline(ud.deadlineMs);
        }
        EmotionCaption done = caption(ud, true, now);
        metrics.caption(done, now);
        o.caption(done);
        utterances.remove(ud.utterance.utteranceId);
    }

    /** A deferred call's open utterances, read in its key context by the batching operator. */
    record CallDrafts(CreditPolicy credit, List<UtteranceDecoding> utterances, List<SpeculativeDecoder> decoders) {}

    CallDrafts load() throws Exception {
        CreditPolicy credit = credit();
        List<UtteranceDecoding> open = new ArrayList<>();
        List<SpeculativeDecoder> decoders = new ArrayList<>();
        for (UtteranceDecoding ud : utterances.values()) {
            open.add(ud);
            decoders.add(decoder(ud, credit));
        }
        return new CallDrafts(credit, open, decoders);
    }

    /** A block the batching operator drafted for one of a call's utterances: sent when it needs a verdict. */
    void drafted(CallDrafts call, int utterance, DraftBlock block, DraftOutput o) {
        if (block != null) {
            o.request(request(call.utterances().get(utterance), call.decoders().get(utterance), block, o.now()));
        }
    }

    /** Back in the call's key context after the batching operator drafted: every open utterance settled. */
    void settle(CallDrafts call, DraftOutput o) throws Exception {
        for (int i = 0; i < call.utterances().size(); i++) {
            settle(call.utterances().get(i), call.decoders().get(i), call.credit(), o);
        }
        metrics.callState(stateBytes());
    }

    /** How many utterances were not speech (the {@code utterancesWithoutSpeech} counter). */
    long utterancesWithoutSpeech() {
        return metrics.noSpeech.getCount();
    }

    void deferTo(java.util.function.Consumer<String> calls) {
        this.deferral = calls;
    }

    Drafter drafter() {
        return models.drafter();
    }

    /** The function's own context as a {@link DraftOutput}. */
    private static DraftOutput output(KeyedCoProcessFunction<String, Utterance, Verdict, EmotionCaption>.Context ctx,
            Collector<EmotionCaption> out) {
        return new DraftOutput() {
            @Override
            public long now() {
                return ctx.timerService().currentProcessingTime();
            }

            @Override
            public void request(VerifyRequest r) {
                ctx.output(REQUESTS, r);
            }

            @Override
            public void partial(EmotionCaption c) {
                ctx.output(PARTIALS, c);
            }

            @Override
            public void caption(EmotionCaption c) {
                out.collect(c);
            }

            @Override
            public void registerDeadline(long timestampMs) {
                ctx.timerService().registerProcessingTimeTimer(timestampMs);
            }

            @Override
            public void deleteDeadline(long timestampMs) {
                ctx.timerService().deleteProcessingTimeTimer(timestampMs);
            }
        };
    }

    private void partial(UtteranceDecoding ud, DraftOutput o) {
        if (config.partialCaptions() && ud.state.trace().length() > ud.partialLength) {
            ud.partialLength = ud.state.trace().length();
            o.partial(caption(ud, false, o.now()));
        }
    }

    private VerifyRequest request(UtteranceDecoding ud, SpeculativeDecoder decoder, DraftBlock block, long now) {
        long[] before = decoder.prefixOfLastSent(); // committed tokens and any drafted ahead of this block
        List<Integer> prefix = new ArrayList<>(before.length);
        for (long id : before) {
            prefix.add((int) id);
        }
        List<Integer> draft = new ArrayList<>(block.length());
        List<Float> ents = new ArrayList<>(block.length());
        for (int i = 0; i < block.length(); i++) {
            draft.add((int) block.tokens()[i]);
            ents.add(block.entropies()[i]);
        }
        return VerifyRequest.newBuilder().setCallId(ud.utterance.callId).setUtteranceId(ud.utterance.utteranceId)
                .setBlockId(ud.state.blockId()).setEpoch(ud.state.epoch()).setPrefixLength(prefix.size())
                .setPrefixTokens(prefix).setDraftTokens(draft).setDraftEntropies(ents).setLanguage(ud.utterance.language)
                .setDrafterModelId(models.manifest().name()).setVerifierModelId(models.manifest().name()).setSentAtMs(now).build();
    }

    private EmotionCaption caption(UtteranceDecoding ud, boolean isFinal, long now) {
        CaptionTrace t = ud.state.trace();
        long[] ids = t.tokens();
        List<Integer> tokenIds = new ArrayList<>(ids.length);
        List<Provenance> who = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            tokenIds.add((int) ids[i]);
            who.add(Provenance.valueOf(t.provenance()[i].name()));
        }
        String text = models.tokenizer().decode(ids);
        return EmotionCaption.newBuilder().setCallId(ud.utterance.callId).setUtteranceId(ud.utterance.utteranceId)
                .setChannel(Channel.valueOf(ud.utterance.channel)).setStartMs(ud.utterance.startMs).setEndMs(ud.utterance.endMs)
                .setLanguage(ud.utterance.language).setText(text).setTokenIds(tokenIds).setProvenance(who)
                .setEmotion(lexicon.find(text).orElse(null)).setFinal$(isFinal).setDrafted(t.drafted())
                .setSent(t.sent()).setAccepted(t.accepted()).setCorrected(t.corrected()).setTimeouts(t.timeouts())
                .setCaptionLatencyMs(now - ud.receivedAtMs).setDrafterModelId(models.manifest().name()).build();
    }
}
