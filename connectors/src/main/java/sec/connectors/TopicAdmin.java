package sec.connectors;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the pipeline's topics (those missing), with the given partitions and replication. */
public final class TopicAdmin {
    private TopicAdmin() {}

    public static List<String> createMissing(KafkaSettings settings, int partitions, short replication)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(settings.clientConfig())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String t : settings.topics().all()) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, partitions, replication));
                }
            }
            admin.createTopics(missing).all().get();
            return missing.stream().map(NewTopic::name).toList();
        }
    }
}
