package io.surprisal.stream;

import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.DensityModel;
import io.surprisal.model.ForgedRecords;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/** Models-topic records as a writer would publish or forge them, for the refusal tests. */
final class ModelRecords {
  private ModelRecords() {}

  /** {@code model} published as {@code version}, calibrated on 2,000 of its own samples. */
  static PublishedModel published(long version, DensityModel model) {
    Random random = new Random(version);
    double[] holdout = IntStream.range(0, 2000)
        .mapToDouble(i -> model.logLikelihood(model.sample(random))).sorted().toArray();
    double mean = Arrays.stream(holdout).average().orElseThrow();
    Calibration calibration = new Calibration(holdout[2], 0.001, holdout.length, holdout);
    return new PublishedModel(version, 0L, 2000, mean, calibration, model);
  }

  static byte[] encoded(long version, DensityModel model) {
    return ModelCodec.encode(published(version, model));
  }

  /** One component with every θ = 1/2: a valid model that fits structured traffic far worse. */
  static BernoulliMixture coinFlips(int dimension) {
    double[] half = new double[dimension];
    Arrays.fill(half, 0.5);
    return BernoulliMixture.of(new double[] {1.0}, new double[][] {half});
  }

  /** Replaces the trailing CRC-32 so that an edited record passes the checksum (a forger's step). */
  static byte[] withValidChecksum(byte[] record) {
    return ForgedRecords.withValidChecksum(record);
  }

  /** A mixture record whose last θ is NaN, re-checksummed so only the parameter check can catch it. */
  static byte[] withNaNTheta(byte[] mixtureRecord) {
    byte[] copy = mixtureRecord.clone();
    ByteBuffer.wrap(copy, copy.length - 4 - Double.BYTES, Double.BYTES).putDouble(Double.NaN);
    return withValidChecksum(copy);
  }

  /** The record claiming {@code formatVersion}, re-checksummed. */
  static byte[] withFormatVersion(byte[] record, int formatVersion) {
    byte[] copy = record.clone();
    ByteBuffer.wrap(copy, 4, 2).putShort((short) formatVersion);
    return withValidChecksum(copy);
  }
}
