package sec.operators;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import sec.inference.decode.DecodingState;

/**
 * The drafter's keyed state in the decoding state's own versioned binary form instead of Kryo.
 * {@code withKvCache = false} ({@code drafter.kv-cache.checkpoint: false}) leaves the KV cache out
 * of what is written; in-memory copies always keep it. Each record says whether it carries a
 * cache, so a checkpoint written with either setting restores under either.
 */
public final class UtteranceDecodingSerializer extends TypeSerializer<UtteranceDecoding> {
    private static final long serialVersionUID = 1L;
    private final boolean withKvCache;

    public UtteranceDecodingSerializer(boolean withKvCache) {
        this.withKvCache = withKvCache;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<UtteranceDecoding> duplicate() {
        return this; // stateless
    }

    @Override
    public UtteranceDecoding createInstance() {
        return new UtteranceDecoding();
    }

    @Override
    public UtteranceDecoding copy(UtteranceDecoding from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
            write(from, out, true);
            return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the decoding state of " + from.utterance, e);
        }
    }

    @Override
    public UtteranceDecoding copy(UtteranceDecoding from, UtteranceDecoding reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(UtteranceDecoding d, DataOutputView out) throws IOException {
        write(d, out, withKvCache);
    }

    private static void write(UtteranceDecoding d, DataOutputView out, boolean withCache) throws IOException {
        Utterance u = d.utterance;
        StringSerializer.INSTANCE.serialize(u.callId, out);
        StringSerializer.INSTANCE.serialize(u.utteranceId, out);
        StringSerializer.INSTANCE.serialize(u.channel, out);
        StringSerializer.INSTANCE.serialize(u.language, out);
        out.writeLong(u.startMs);
        out.writeLong(u.endMs);
        out.writeLong(d.receivedAtMs);
        out.writeLong(d.deadlineMs);
        out.writeInt(d.partialLength);
        d.state.writeTo(out, withCache);
    }

    @Override
    public UtteranceDecoding deserialize(DataInputView in) throws IOException {
        UtteranceDecoding d = new UtteranceDecoding();
        Utterance u = new Utterance();
        u.callId = StringSerializer.INSTANCE.deserialize(in);
        u.utteranceId = StringSerializer.INSTANCE.deserialize(in);
        u.channel = StringSerializer.INSTANCE.deserialize(in);
        u.language = StringSerializer.INSTANCE.deserialize(in);
        u.startMs = in.readLong();
        u.endMs = in.readLong();
        u.samples = new float[0];
        d.utterance = u;
        d.receivedAtMs = in.readLong();
        d.deadlineMs = in.readLong();
        d.partialLength = in.readInt();
        d.state = DecodingState.readFrom(in);
        return d;
    }

    @Override
    public UtteranceDecoding deserialize(UtteranceDecoding reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UtteranceDecodingSerializer s && s.withKvCache == withKvCache;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(withKvCache);
    }

    @Override
    public TypeSerializerSnapshot<UtteranceDecoding> snapshotConfiguration() {
        return new Snapshot(withKvCache);
    }

    /** Remembers the cache setting; any setting reads any record (each record is self-describing). */
    public static final class Snapshot implements TypeSerializerSnapshot<UtteranceDecoding> {
        private boolean withKvCache;

        public Snapshot() {}

        Snapshot(boolean withKvCache) {
            this.withKvCache = withKvCache;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeBoolean(withKvCache);
        }

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader loader) throws IOException {
            if (version != 1) {
                throw new IOException("UtteranceDecodingSerializer snapshot version " + version + " is not known");
            }
            withKvCache = in.readBoolean();
        }

        @Override
        public TypeSerializer<UtteranceDecoding> restoreSerializer() {
            return new UtteranceDecodingSerializer(withKvCache);
        }

        @Override
        public TypeSerializerSchemaCompatibility<UtteranceDecoding> resolveSchemaCompatibility(
                TypeSerializerSnapshot<UtteranceDecoding> old) {
            return old instanceof Snapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
