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
 * cache, so a checkpoint written with either setting restores under either. Record format 2 adds the
 * utterance's drafter and verifier versions; state written in format 1 (snapshot version 1) is read
 * with the versions null (the configured bundle) and migrated.
 */
public final class UtteranceDecodingSerializer extends TypeSerializer<UtteranceDecoding> {
    private static final long serialVersionUID = 1L;
    static final int FORMAT = 2;
    private final boolean withKvCache;
    /** The record format this serializer reads: {@link #FORMAT}, or 1 when restoring older state. */
    private final int reads;

    public UtteranceDecodingSerializer(boolean withKvCache) {
        this(withKvCache, FORMAT);
    }

    private UtteranceDecodingSerializer(boolean withKvCache, int reads) {
        this.withKvCache = withKvCache;
        this.reads = reads;
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
            return read(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()), FORMAT);
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
        writeNullable(d.modelVersion, out);
        writeNullable(d.verifierVersion, out);
        d.state.writeTo(out, withCache);
    }

    private static void writeNullable(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            StringSerializer.INSTANCE.serialize(s, out);
        }
    }

    private static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? StringSerializer.INSTANCE.deserialize(in) : null;
    }

    @Override
    public UtteranceDecoding deserialize(DataInputView in) throws IOException {
        return read(in, reads);
    }

    private static UtteranceDecoding read(DataInputView in, int format) throws IOException {
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
        if (format >= 2) {
            d.modelVersion = readNullable(in);
            d.verifierVersion = readNullable(in);
        }
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
        return o instanceof UtteranceDecodingSerializer s && s.withKvCache == withKvCache && s.reads == reads;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(withKvCache) * 31 + reads;
    }

    @Override
    public TypeSerializerSnapshot<UtteranceDecoding> snapshotConfiguration() {
        return new Snapshot(withKvCache, FORMAT);
    }

    /**
     * Remembers the cache setting and the record format (the snapshot's version); any cache setting
     * reads any record (each record says whether it has a cache), format 1 is read and migrated.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<UtteranceDecoding> {
        private boolean withKvCache;
        private int format = FORMAT;

        public Snapshot() {}

        Snapshot(boolean withKvCache, int format) {
            this.withKvCache = withKvCache;
            this.format = format;
        }

        @Override
        public int getCurrentVersion() {
            return FORMAT;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeBoolean(withKvCache);
        }

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader loader) throws IOException {
            if (version < 1 || version > FORMAT) {
                throw new IOException("UtteranceDecodingSerializer snapshot version " + version + " is not known");
            }
            withKvCache = in.readBoolean();
            format = version;
        }

        @Override
        public TypeSerializer<UtteranceDecoding> restoreSerializer() {
            return new UtteranceDecodingSerializer(withKvCache, format);
        }

        @Override
        public TypeSerializerSchemaCompatibility<UtteranceDecoding> resolveSchemaCompatibility(
                TypeSerializerSnapshot<UtteranceDecoding> old) {
            if (!(old instanceof Snapshot o)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return o.format == FORMAT ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
