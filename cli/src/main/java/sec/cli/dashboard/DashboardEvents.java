package sec.cli.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import sec.inference.text.CaptionTokenizer;
import sec.schemas.EmotionAlert;
import sec.schemas.EmotionCaption;

/**
 * Caption and alert records as the JSON events the page reads. A caption carries its tokens one by
 * one with their provenance (the page marks what the edge wrote and what the cloud corrected), so
 * the page needs no tokenizer of its own.
 */
final class DashboardEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CaptionTokenizer.Vocabulary vocabulary;

    DashboardEvents(CaptionTokenizer.Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    ObjectNode caption(EmotionCaption c, long receivedMs) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "caption");
        n.put("callId", c.getCallId());
        n.put("utteranceId", c.getUtteranceId());
        n.put("channel", c.getChannel().name().toLowerCase(java.util.Locale.ROOT));
        n.put("startMs", c.getStartMs());
        n.put("endMs", c.getEndMs());
        n.put("language", c.getLanguage());
        n.put("text", c.getText());
        n.put("emotion", c.getEmotion());
        ArrayNode tokens = n.putArray("tokens");
        char last = 0;
        for (int i = 0; i < c.getTokenIds().size(); i++) {
            int id = c.getTokenIds().get(i);
            if (vocabulary.special().contains(id)) {
                continue; // <eos> and the like: not words of the caption
            }
            String t = vocabulary.token(id);
            ObjectNode tok = tokens.addObject();
            tok.put("t", t);
            tok.put("space", last != 0 && CaptionTokenizer.spaceBetween(last, t.charAt(0)));
            tok.put("p", i < c.getProvenance().size() ? c.getProvenance().get(i).name() : "EDGE");
            last = t.charAt(t.length() - 1);
        }
        n.put("drafted", c.getDrafted());
        n.put("sent", c.getSent());
        n.put("accepted", c.getAccepted());
        n.put("corrected", c.getCorrected());
        n.put("timeouts", c.getTimeouts());
        n.put("latencyMs", c.getCaptionLatencyMs());
        n.put("at", receivedMs);
        return n;
    }

    ObjectNode alert(EmotionAlert a, long receivedMs) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "alert");
        n.put("callId", a.getCallId());
        n.put("rule", a.getRule());
        n.put("channel", a.getChannel().name().toLowerCase(java.util.Locale.ROOT));
        n.put("utteranceId", a.getUtteranceId());
        n.put("emotion", a.getEmotion());
        n.put("atMs", a.getAtMs());
        n.put("message", a.getMessage());
        n.put("at", receivedMs);
        return n;
    }
}
