package sec.devkit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sec.inference.AudioFeatures;
import sec.inference.CloudModels;
import sec.inference.EdgeModels;
import sec.inference.FeatureExtractor;
import sec.inference.audio.ChannelSegmenter;
import sec.inference.audio.SpeakerBaseline;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.offline.Speculator;
import sec.inference.decode.verify.InProcessLink;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;

/**
 * What a clean run captions: the inference core alone, in process, over the utterances the
 * segmenter will cut, each with its speaker baseline as the drafter keeps it. Failover tests compare the pipeline's captions with these, token for token.
 */
public final class ReferenceCaptions {
    private ReferenceCaptions() {}

    /** Utterance id (callId/CHANNEL/startMs, as the pipeline names them) → caption tokens. */
    public static Map<String, long[]> of(Map<String, List<AudioFrame>> calls, Path bundle, SpeculationConfig spec,
            int reorderWindowFrames) throws Exception {
        Map<String, long[]> out = new HashMap<>();
        try (EdgeModels edge = EdgeModels.load(bundle); CloudModels cloud = CloudModels.load(edge.manifest())) {
            Speculator speculator = new Speculator(edge.drafter(), cloud.verifier(), edge.manifest(), edge.tokenizer(), spec,
                    new InProcessLink(cloud.verifier()));
            FeatureExtractor fx = edge.features();
            for (var call : calls.entrySet()) {
                String lang = call.getValue().get(0).getLanguage();
                for (Channel ch : Channel.values()) {
                    SpeakerBaseline heard = new SpeakerBaseline(); // as the drafter keeps it per channel
                    for (ChannelSegmenter.Segment s : CallFrames.segments(call.getValue(), ch, reorderWindowFrames)) {
                        AudioFeatures f = fx.features(s.samples(), 8000, "segment");
                        if (!f.speech()) {
                            continue; // the drafter captions no noise
                        }
                        SpeakerBaseline.Value before = f.prosody() == null ? null : heard.hear(f.prosody());
                        out.put(call.getKey() + "/" + ch + "/" + s.startMs(),
                                speculator.caption(f, lang, null, before).tokens());
                    }
                }
            }
        }
        return out;
    }
}
