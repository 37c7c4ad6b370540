package sec.inference.decode.offline;

import java.util.List;
import sec.inference.AudioFeatures;
import sec.inference.audio.SpeakerBaseline;
import sec.inference.decode.BlockController;
import sec.inference.decode.CaptionTrace;
import sec.inference.decode.Decision;
import sec.inference.decode.DecodingState;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.Logits;
import sec.inference.decode.Provenance;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.SpeculativeDecoder;
import sec.inference.decode.credit.CreditPolicy;
import sec.inference.decode.verify.EmulatedLink;
import sec.inference.decode.verify.VerifierLink;
import sec.inference.decode.verify.WireSizes;
import sec.inference.drafter.DraftSession;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;
import sec.inference.text.CaptionTokenizer;
import sec.inference.verifier.Verifier;
import sec.inference.verifier.VerifyInput;

/**
 * Captions one utterance synchronously in one of three modes: the drafter alone (edge), the
 * verifier alone (cloud: context up, caption down), or UGSD between them over a {@link VerifierLink}.
 */
public final class Speculator {
    private final Drafter drafter;
    private final Verifier verifier;
    private final ModelManifest manifest;
    private final CaptionTokenizer tokenizer;
    private final SpeculationConfig config;
    private final VerifierLink link;

    /** {@code verifier} and {@code link} may be null in edge mode. */
    public Speculator(Drafter drafter, Verifier verifier, ModelManifest manifest, CaptionTokenizer tokenizer,
            SpeculationConfig config, VerifierLink link) {
        this.drafter = drafter;
        this.verifier = verifier;
        this.manifest = manifest;
        this.tokenizer = tokenizer;
        this.config = config;
        this.link = link;
        if (config.mode() != SpeculationConfig.Mode.EDGE && (verifier == null || link == null)) {
            throw new IllegalArgumentException("mode " + config.mode() + " needs a verifier and a link");
        }
    }

    public CaptionResult caption(AudioFeatures features, String language) {
        return caption(features, language, null);
    }

    /**
     * Captions one utterance; {@code credit} is the call's credit-inertia state, carried from one
     * utterance of a call to the next (null: none, or a fresh one when the config asks for credit).
     */
    public CaptionResult caption(AudioFeatures features, String language, CreditPolicy credit) {
        return caption(features, language, credit, null);
    }

    /** As above, for a speaker whose earlier utterances give {@code baseline} (null: none). */
    public CaptionResult caption(AudioFeatures features, String language, CreditPolicy credit,
            SpeakerBaseline.Value baseline) {
        long t0 = System.nanoTime();
        EncodedAudio audio = drafter.encode(features, baseline);
        double encodeMs = (System.nanoTime() - t0) / 1e6;
        if (config.mode() == SpeculationConfig.Mode.CLOUD) {
            return cloud(audio, language, encodeMs);
        }
        if (credit == null && config.creditInertia()) {
            credit = new CreditPolicy(config.credit(), config.tau());
        }
        return speculate(audio, language, encodeMs, credit);
    }

    /** A verdict on its way back: which block, and when it reaches the edge on the emulated clock. */
    private record InFlight(int blockId, int epoch, double arrivalMs, Decision decision) {}

    /**
     * Runs the decoder on an emulated clock. Drafting takes the time it takes here; a sent block's
     * verdict arrives after its verifier time plus the link's network time. Without lookahead the
     * drafter waits for each verdict; with it, it drafts on meanwhile (the overlap is the gain).
     */
    private CaptionResult speculate(EncodedAudio audio, String language, double encodeMs, CreditPolicy credit) {
        long[] prompt = manifest.prompt(language);
        long t0 = System.nanoTime();
        DraftSession session = drafter.start(audio, prompt);
        double edgeMs = encodeMs + (System.nanoTime() - t0) / 1e6;
        SpeculativeDecoder decoder = new SpeculativeDecoder(drafter, config, config.acceptancePolicy(), manifest.eos(),
                new DecodingState(session, prompt, new BlockController(config)), credit);
        java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
        double clock = edgeMs;
        double lastArrival = 0;
        double ttft = Double.NaN;
        double verifierMs = 0;
        double networkMs = 0;
        long uplink = 0;
        boolean first = true;
        while (!decoder.finished()) {
            while (!inFlight.isEmpty() && (inFlight.peek().arrivalMs() <= clock || !decoder.canDraft())) {
                InFlight f = inFlight.poll();
                clock = Math.max(clock, f.arrivalMs());
                decoder.applyVerdict(f.blockId(), f.epoch(), f.decision());
            }
            if (Double.isNaN(ttft) && decoder.trace().length() > 0) {
                ttft = clock;
            }
            if (decoder.finished()) {
                break;
            }
            long t = System.nanoTime();
            DraftBlock block = decoder.draftBlock();
            double draftMs = (System.nanoTime() - t) / 1e6;
            edgeMs += draftMs;
            clock += draftMs;
            if (block != null) {
                VerifierLink.LinkResult r = link.verify(
                        decoder.verifyInput(audio.context(), audio.steps()), decoder, first);
                first = false;
                lastArrival = Math.max(lastArrival, clock + r.verifierMs() + r.networkMs()); // verdicts come back in order
                inFlight.add(new InFlight(decoder.state().blockId(), decoder.state().epoch(), lastArrival, r.decision()));
                verifierMs += r.verifierMs();
                networkMs += r.networkMs();
                uplink += r.uplinkBytes();
            }
            if (Double.isNaN(ttft) && decoder.trace().length() > 0) {
                ttft = clock;
            }
        }
        CaptionTrace tr = decoder.trace();
        return new CaptionResult(tokenizer.decode(tr.tokens()), tr.tokens(), tr.provenance(), tr.entropies(),
                tr.drafted(), tr.sent(), tr.accepted(), tr.corrected(), tr.rounds(), uplink, ttft, clock, edgeMs,
                verifierMs, networkMs);
    }

    /** The verifier's own greedy caption from the edge's context; the caption comes back whole. */
    private CaptionResult cloud(EncodedAudio audio, String language, double encodeMs) {
        long[] prompt = manifest.prompt(language);
        long[] seq = java.util.Arrays.copyOf(prompt, prompt.length + config.maxTokens());
        int len = prompt.length;
        long t0 = System.nanoTime();
        while (len - prompt.length < config.maxTokens()) {
            long[] tokens = java.util.Arrays.copyOf(seq, len);
            float[][] rows = verifier.score(List.of(new VerifyInput(audio.context(), audio.steps(), tokens, len))).get(0);
            long next = Logits.argmax(rows[0]);
            seq[len++] = next;
            if (next == manifest.eos()) {
                break;
            }
        }
        double verifierMs = (System.nanoTime() - t0) / 1e6;
        long[] caption = java.util.Arrays.copyOfRange(seq, prompt.length, len);
        long uplink = WireSizes.context(audio.context().length) + WireSizes.request(0);
        long downlink = WireSizes.VERDICT + 4L * caption.length;
        double networkMs = link instanceof EmulatedLink e ? e.networkMs(uplink, downlink) : 0;
        Provenance[] who = new Provenance[caption.length];
        java.util.Arrays.fill(who, Provenance.CORRECTED);
        float[] ents = new float[caption.length];
        java.util.Arrays.fill(ents, Float.NaN);
        double total = encodeMs + verifierMs + networkMs;
        return new CaptionResult(tokenizer.decode(caption), caption, who, ents, 0, 0, 0, caption.length, 1,
                uplink, total, total, encodeMs, verifierMs, networkMs);
    }
}
