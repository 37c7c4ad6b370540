package sec.operators;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import sec.inference.EdgeModels;
import sec.inference.decode.CaptionTrace;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.SpeculativeDecoder;
import sec.inference.drafter.EncodedAudio;
import sec.inference.text.EmotionLexicon;
import sec.schemas.AcousticContext;
import sec.schemas.Channel;
import sec.schemas.EmotionCaption;
import sec.schemas.Provenance;
import sec.schemas.VerifyRequest;

/** The edge drafter's wire records: the acoustic context, a verify request, a partial or final caption. */
final class DrafterRecords {
    private final EdgeModels models;
    /** The version captions and requests name (a roll-out's, or the configured bundle's name). */
    private final String version;
    private final EmotionLexicon lexicon;

    DrafterRecords(EdgeModels models, String version) {
        this.models = models;
        this.version = version;
        this.lexicon = new EmotionLexicon(models.manifest().emotions());
    }

    AcousticContext context(Utterance u, EncodedAudio audio) {
        return AcousticContext.newBuilder().setCallId(u.callId).setUtteranceId(u.utteranceId)
                .setFeatures(ByteBuffer.wrap(audio.context())).setSteps(audio.steps()).setDim(audio.contextDim())
                .setDtype("int8").setModelId(version).build();
    }

    VerifyRequest request(UtteranceDecoding ud, SpeculativeDecoder decoder, DraftBlock block, long now) {
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
                .setDrafterModelId(version).setVerifierModelId(models.manifest().name()).setSentAtMs(now)
                .setTokenizerId(models.manifest().tokenizerId()).build();
    }

    EmotionCaption caption(UtteranceDecoding ud, boolean isFinal, long now) {
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
                .setCaptionLatencyMs(now - ud.receivedAtMs).setDrafterModelId(version)
                .setVerifierModelId(ud.verifierVersion).build();
    }
}
