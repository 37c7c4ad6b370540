package sec.operators;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sec.inference.AudioFeatures;
import sec.inference.EdgeModels;
import sec.inference.audio.InvalidAudioException;
import sec.inference.audio.SpeakerBaseline;
import sec.inference.decode.BlockController;
import sec.inference.decode.Decision;
import sec.inference.decode.DecodingState;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.SpeculativeDecoder;
import sec.inference.decode.VerdictOutcome;
import sec.inference.decode.accept.AcceptancePolicy;
import sec.inference.decode.credit.CreditPolicy;
import sec.inference.drafter.EncodedAudio;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;

/**
 * One call's work in the edge drafter, in the key context the {@link SpeculativeDrafter} operator
 * has set: an utterance, a verdict or a deadline changes the call's keyed state, and says whether
 * the call now has drafting to do; the operator then drafts the calls with work together and hands
 * each back to {@link #settle}. Keyed state: the call's open utterances (decoding state, deadline),
 * its credit-inertia state and each channel's speaker baseline, the last two TTL'd with the call.
 */
final class CallDrafting {
    private static final Logger LOG = LoggerFactory.getLogger(CallDrafting.class);

    private final DrafterConfig config;
    private final DrafterModels models;
    private final AcceptancePolicy acceptance;
    private final DrafterMetrics metrics;
    private final DraftOutput out;
    private final MapState<String, UtteranceDecoding> utterances;
    private final ValueState<byte[]> callCredit;
    /** Per channel of the call, the speaker's prosody baseline over the utterances heard so far. */
    private final MapState<String, byte[]> speakerBaselines;

    CallDrafting(DrafterConfig config, DrafterModels models, KeyedStateStore state, DrafterMetrics metrics, DraftOutput out) {
        this.config = config;
        this.models = models;
        this.acceptance = config.speculation().acceptancePolicy();
        this.metrics = metrics;
        this.out = out;
        utterances = state.getMapState(new MapStateDescriptor<>("utterance-decodings",
                StringSerializer.INSTANCE, new UtteranceDecodingSerializer(config.checkpointKvCache())));
        // a call's end is not signalled, so its credit and baselines go when the call has been quiet this long
        StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofMillis(config.callIdleTtlMs())).build();
        ValueStateDescriptor<byte[]> credit = new ValueStateDescriptor<>("call-credit", BytePrimitiveArraySerializer.INSTANCE);
        credit.enableTimeToLive(ttl);
        callCredit = state.getState(credit);
        MapStateDescriptor<String, byte[]> baselines = new MapStateDescriptor<>("speaker-baselines",
                StringSerializer.INSTANCE, BytePrimitiveArraySerializer.INSTANCE);
        baselines.enableTimeToLive(ttl);
        speakerBaselines = state.getMapState(baselines);
    }

    /**
     * A new utterance: encoded (its acoustic context goes to the cloud) and opened. Not speech, or
     * audio that cannot be read: no state, no caption, a counter. Returns whether there is drafting to do.
     */
    boolean hear(Utterance u) throws Exception {
        String version = models.startVersion(u.callId);
        EdgeModels m = models.of(version);
        AudioFeatures f;
        try {
            f = m.features().features(u.samples, m.manifest().mel().sampleRate(), u.utteranceId);
        } catch (InvalidAudioException e) {
            LOG.warn("utterance skipped: {}", e.getMessage());
            return false;
        }
        if (!f.speech()) {
            metrics.noSpeech.inc(); // an emotion read off noise is worse than none
            LOG.debug("{}: not speech, no caption", u.utteranceId);
            return false;
        }
        EncodedAudio audio = m.drafter().encode(f, heardSoFar(u.channel, f));
        out.context(models.records(version).context(u, audio));
        long[] prompt = m.manifest().prompt(u.language);
        DecodingState state = new DecodingState(m.drafter().start(audio, prompt), prompt,
                new BlockController(config.speculation()));
        CreditPolicy credit = credit();
        makeRoom(credit);
        UtteranceDecoding opened = new UtteranceDecoding(u, out.now(), state);
        opened.modelVersion = version;
        utterances.put(u.utteranceId, opened);
        keep(credit);
        return true;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        b.write(new DataOutputStream(bytes));
        speakerBaselines.put(channel, bytes.toByteArray());
        return before;
    }

    /**
     * Keeps a call's open utterances under {@code drafter.max-open-utterances}: when the cloud is
     * slower than the call talks, the oldest is finished on the edge (waiting blocks unverified).
     */
    private void makeRoom(CreditPolicy credit) throws Exception {
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
        utterances.put(oldest.utterance.utteranceId, oldest);
    }

    /**
     * A verdict: applied to the block it names, or dropped and counted when it names none (a
     * discarded block, a timed-out one, an old epoch, a finished utterance, another call's) or does
     * not fit its block. Returns whether there is drafting to do.
     */
    boolean verdict(Verdict v) throws Exception {
        // keyed by call: a verdict naming another call's utterance finds nothing here
        UtteranceDecoding ud = utterances.get(v.getUtteranceId());
        if (ud == null) {
            metrics.staleVerdicts.inc();
            return false;
        }
        CreditPolicy credit = credit();
        DraftBlock oldest = ud.state.pending();
        Decision d = new Decision(v.getAccepted(), v.getCorrection() == null ? Decision.NONE : v.getCorrection(),
                v.getBonus() == null ? Decision.NONE : v.getBonus());
        VerdictOutcome outcome = decoder(ud, credit).applyVerdict(v.getBlockId(), v.getEpoch(), d);
        if (outcome == VerdictOutcome.STALE) {
            metrics.staleVerdicts.inc();
            return false;
        }
        if (outcome == VerdictOutcome.APPLIED) {
            ud.verifierVersion = v.getVerifierModelId();
        }
        if (outcome == VerdictOutcome.UNUSABLE) {
            metrics.unusableVerdicts.inc();
            LOG.debug("verdict for {} block {} does not fit it: {}", v.getUtteranceId(), v.getBlockId(), d);
        }
        metrics.roundTrip(out.now() - v.getSentAtMs());
        if (ud.state.pending() != oldest && ud.deadlineMs != 0) { // the oldest block resolved: the deadline watches the next one
            out.deleteDeadline(ud.deadlineMs);
            ud.deadlineMs = 0;
        }
        utterances.put(ud.utterance.utteranceId, ud);
        keep(credit);
        return true;
    }

    /** A deadline fired: each utterance whose oldest block waited past it commits that block unverified. */
    boolean deadline(long timestampMs) throws Exception {
        List<UtteranceDecoding> due = new ArrayList<>();
        for (UtteranceDecoding ud : utterances.values()) {
            if (ud.state.pending() != null && ud.deadlineMs != 0 && ud.deadlineMs <= timestampMs) {
                due.add(ud);
            }
        }
        if (due.isEmpty()) {
            return false;
        }
        CreditPolicy credit = credit();
        for (UtteranceDecoding ud : due) {
            decoder(ud, credit).applyTimeout();
            ud.deadlineMs = 0;
            utterances.put(ud.utterance.utteranceId, ud);
        }
        keep(credit);
        return true;
    }

    /** A call's open utterances with their decoders, read for a batch. */
    record Call(CreditPolicy credit, List<UtteranceDecoding> utterances, List<SpeculativeDecoder> decoders) {}

    Call load() throws Exception {
        CreditPolicy credit = credit();
        List<UtteranceDecoding> open = new ArrayList<>();
        List<SpeculativeDecoder> decoders = new ArrayList<>();
        for (UtteranceDecoding ud : utterances.values()) {
            open.add(ud);
            decoders.add(decoder(ud, credit));
        }
        return new Call(credit, open, decoders);
    }

    /** A block drafted for one of a call's utterances: sent when it needs a verdict (null: kept on the edge). */
    void drafted(Call call, int utterance, DraftBlock block) {
        if (block != null) {
            UtteranceDecoding ud = call.utterances().get(utterance);
            out.request(models.records(ud.modelVersion).request(ud, call.decoders().get(utterance), block, out.now()));
        }
    }

    /** After drafting, in the call's key context: each open utterance waits for a verdict or is captioned. */
    void settle(Call call) throws Exception {
        keep(call.credit());
        long bytes = 0;
        for (int i = 0; i < call.utterances().size(); i++) {
            UtteranceDecoding ud = call.utterances().get(i);
            if (settle(ud, call.decoders().get(i))) {
                bytes += ud.state.session().heapBytes();
            }
        }
        metrics.callState(bytes);
    }

    /** The utterance waits for a verdict (deadline set, partial caption; true) or is finished (caption; false). */
    private boolean settle(UtteranceDecoding ud, SpeculativeDecoder decoder) throws Exception {
        metrics.inForce(ud.state.controller());
        long now = out.now();
        if (!decoder.finished()) {
            if (ud.deadlineMs == 0) {
                ud.deadlineMs = now + config.verdictDeadlineMs();
                out.registerDeadline(ud.deadlineMs);
            }
            if (config.partialCaptions() && ud.state.trace().length() > ud.partialLength) {
                ud.partialLength = ud.state.trace().length();
                out.partial(models.records(ud.modelVersion).caption(ud, false, now));
            }
            utterances.put(ud.utterance.utteranceId, ud);
            return true;
        }
        if (ud.deadlineMs != 0) {
            out.deleteDeadline(ud.deadlineMs);
        }
        EmotionCaption done = models.records(ud.modelVersion).caption(ud, true, now);
        metrics.caption(done, now);
        out.caption(done);
        utterances.remove(ud.utterance.utteranceId);
        return false;
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
        EdgeModels m = models.of(ud.modelVersion);
        return new SpeculativeDecoder(m.drafter(), config.speculation(), acceptance, m.manifest().eos(), ud.state, credit);
    }

    /** Whether an open utterance of the current call started on {@code version}. */
    boolean uses(String version) throws Exception {
        for (UtteranceDecoding ud : utterances.values()) {
            if (version.equals(models.resolve(ud.modelVersion))) {
                return true;
            }
        }
        return false;
    }
}
