package sec.inference.audio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads of one object of model.json ("audio", "prosody"), each error one line naming the key
 * as {@code section.key}, so a bad bundle says where it is bad.
 */
final class ManifestSection {
    private final JsonNode node;
    private final String name;

    ManifestSection(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(name + ": expected an object, got " + node);
        }
        this.node = node;
        this.name = name;
    }

    JsonNode field(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isMissingNode()) {
            throw new IllegalArgumentException("missing key '" + name + "." + key + "'");
        }
        return v;
    }

    double number(String key) {
        JsonNode v = field(key);
        if (!v.isNumber()) {
            throw wrong(key, "a number", v);
        }
        return v.doubleValue();
    }

    int integer(String key) {
        double v = number(key);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw wrong(key, "an integer", node.get(key));
        }
        return (int) v;
    }

    String text(String key) {
        JsonNode v = field(key);
        if (!v.isTextual()) {
            throw wrong(key, "a string", v);
        }
        return v.asText();
    }

    boolean bool(String key) {
        JsonNode v = field(key);
        if (!v.isBoolean()) {
            throw wrong(key, "true or false", v);
        }
        return v.booleanValue();
    }

    IllegalArgumentException wrong(String key, String expected, JsonNode got) {
        return new IllegalArgumentException("key '" + name + "." + key + "': expected " + expected + ", got " + got);
    }
}
