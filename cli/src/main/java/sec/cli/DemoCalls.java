package sec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sec.devkit.CallFrames;
import sec.inference.FeatureExtractor;
import sec.inference.audio.ChannelSegmenter;
import sec.operators.SegmenterConfig;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;

/**
 * The calls {@code sec demo} streams: stream i is a copy of bundled call {@code i % distinct}
 * (calls.jsonl), as frames, with each call's scripted turns (what its captions' emotions are scored
 * against) under the stream's call id.
 */
record DemoCalls(List<List<AudioFrame>> streams, int distinct, Map<String, List<DemoSummary.Turn>> scripts) {

    /** {@code count} streams of the bundled calls in {@code lang} (en, zh or both), ids {@code prefix} + the call's (+ "-N" after the first round). */
    static DemoCalls load(Path dir, int count, String prefix, String lang) throws IOException {
        List<JsonNode> bundled = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve("calls.jsonl"))) {
            JsonNode n = m.readTree(line);
            if (lang.equals("both") || n.get("lang").asText().equals(lang)) {
                bundled.add(n);
            }
        }
        if (bundled.isEmpty()) {
            throw new IllegalArgumentException("--lang must be en, zh or both, got '" + lang + "'");
        }
        List<List<AudioFrame>> out = new ArrayList<>();
        Map<String, List<DemoSummary.Turn>> scripts = new HashMap<>();
        for (int i = 0; i < count; i++) {
            JsonNode n = bundled.get(i % bundled.size());
            String id = prefix + n.get("file").asText().replace(".wav", "") + (i < bundled.size() ? "" : "-" + i / bundled.size());
            out.add(CallFrames.of(id, dir.resolve(n.get("file").asText()), n.get("lang").asText()));
            List<DemoSummary.Turn> turns = new ArrayList<>();
            n.path("turns").forEach(t -> turns.add(new DemoSummary.Turn(t.get("channel").asText(),
                    t.get("start_ms").asLong(), t.get("end_ms").asLong(), t.get("emotion").asText())));
            scripts.put(id, turns);
        }
        return new DemoCalls(out, bundled.size(), scripts);
    }

    /** The captions the streams must get: their speech segments, counted once per bundled call ({@code perBundledCall} remembers). */
    int expectedCaptions(FeatureExtractor gate, Map<Integer, Integer> perBundledCall) {
        int n = 0;
        for (int i = 0; i < streams.size(); i++) {
            List<AudioFrame> frames = streams.get(i);
            n += perBundledCall.computeIfAbsent(i % distinct, k -> speechSegments(gate, frames));
        }
        return n;
    }

    /** The segments of a call the endpointer cuts that hold speech (each gets a caption). */
    private static int speechSegments(FeatureExtractor gate, List<AudioFrame> frames) {
        int n = 0;
        for (Channel ch : new Channel[] {Channel.AGENT, Channel.CUSTOMER, Channel.MONO}) {
            for (ChannelSegmenter.Segment seg : CallFrames.segments(frames, ch,
                    SegmenterConfig.defaults().reorderWindowFrames())) {
                n += gate.features(seg.samples(), 8000, "segment").speech() ? 1 : 0;
            }
        }
        return n;
    }
}
