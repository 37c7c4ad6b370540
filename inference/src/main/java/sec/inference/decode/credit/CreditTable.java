package sec.inference.decode.credit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The verification threshold for each smoothed-credit bucket, as {@code sec calibrate} fitted it
 * on a calibration set: bucket i holds credits up to {@code creditMax[i]} (the last bucket up to 1).
 */
public record CreditTable(double[] creditMax, double[] tau, String source) implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CreditTable {
        if (creditMax.length == 0 || creditMax.length != tau.length) {
            throw new IllegalArgumentException("credit table needs one τ per bucket, got "
                    + creditMax.length + " buckets and " + tau.length + " thresholds");
        }
        for (int i = 1; i < creditMax.length; i++) {
            if (creditMax[i] <= creditMax[i - 1]) {
                throw new IllegalArgumentException("credit table buckets must grow: " + Arrays.toString(creditMax));
            }
        }
        creditMax = creditMax.clone();
        tau = tau.clone();
    }

    /** τ for a smoothed credit in [0, 1]. */
    public double tauFor(double credit) {
        for (int i = 0; i < creditMax.length - 1; i++) {
            if (credit <= creditMax[i]) {
                return tau[i];
            }
        }
        return tau[tau.length - 1];
    }

    public void save(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("source", source);
        ArrayNode buckets = root.putArray("buckets");
        for (int i = 0; i < tau.length; i++) {
            buckets.addObject().put("credit_max", creditMax[i]).put("tau", tau[i]);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    public static CreditTable load(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode buckets = root.path("buckets");
            if (!buckets.isArray() || buckets.isEmpty()) {
                throw new IllegalArgumentException(file + ": no \"buckets\" array (write one with sec calibrate)");
            }
            double[] max = new double[buckets.size()];
            double[] t = new double[buckets.size()];
            for (int i = 0; i < max.length; i++) {
                max[i] = buckets.get(i).path("credit_max").asDouble(Double.NaN);
                t[i] = buckets.get(i).path("tau").asDouble(Double.NaN);
                if (Double.isNaN(max[i]) || Double.isNaN(t[i])) {
                    throw new IllegalArgumentException(file + ": bucket " + i + " needs numeric credit_max and tau");
                }
            }
            return new CreditTable(max, t, root.path("source").asText(file.toString()));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the credit table (" + e.getMessage() + ")", e);
        }
    }
}
