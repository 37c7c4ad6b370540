package sec.inference.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder of WAV recordings with {@code references.jsonl}: one JSON object per line with at least
 * {@code file} (relative to the folder) and {@code references} (a list of captions); {@code lang}
 * when present must match the language asked for; {@code emotion}, when present, is what emotion
 * accuracy is scored against. The bundled held-out sets are such folders.
 */
public record EvalSet(Path dir, String lang, List<Item> items) {
    /** One recording, its reference captions and the emotion it was spoken with (null when the set does not say). */
    public record Item(Path wav, List<String> references, String emotion) {}

    /** The first {@code limit} recordings of the folder (all when {@code limit <= 0}). */
    public static EvalSet load(Path dir, String lang, int limit) {
        Path index = dir.resolve("references.jsonl");
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException(dir + ": no references.jsonl (one {\"file\":..,\"references\":[..]} per line)");
        }
        List<Item> items = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(index)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                if (limit > 0 && items.size() == limit) {
                    break;
                }
                JsonNode n = m.readTree(line);
                if (!n.hasNonNull("file") || !n.path("references").isArray() || n.path("references").isEmpty()) {
                    throw new IllegalArgumentException(index + " line " + lineNo + ": needs \"file\" and a non-empty \"references\" list");
                }
                if (n.hasNonNull("lang") && !n.get("lang").asText().equals(lang)) {
                    throw new IllegalArgumentException(index + " line " + lineNo + ": language " + n.get("lang").asText()
                            + ", but this set is evaluated as " + lang);
                }
                List<String> refs = new ArrayList<>();
                n.get("references").forEach(r -> refs.add(r.asText()));
                Path wav = dir.resolve(n.get("file").asText());
                if (!Files.isRegularFile(wav)) {
                    throw new IllegalArgumentException(index + " line " + lineNo + ": " + wav + " does not exist");
                }
                items.add(new Item(wav, List.copyOf(refs), n.hasNonNull("emotion") ? n.get("emotion").asText() : null));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(index + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(index + ": no recordings");
        }
        return new EvalSet(dir, lang, List.copyOf(items));
    }

    public int size() {
        return items.size();
    }
}
