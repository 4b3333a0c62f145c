package io.surprisal.stream;

import io.surprisal.model.PublishedModel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DetectorObserver} that keeps what it was told about models and training rounds. */
final class RecordingObserver implements DetectorObserver {
  final List<String> refusedReasons = new CopyOnWriteArrayList<>();
  final List<Long> liveVersions = new CopyOnWriteArrayList<>();
  final List<TrainingResult> trainingResults = new CopyOnWriteArrayList<>();
  final List<Long> trainingMillis = new CopyOnWriteArrayList<>();
  final List<Integer> trainingWindowSizes = new CopyOnWriteArrayList<>();
  final List<String> refusedSamples = new CopyOnWriteArrayList<>();

  @Override
  public void modelLive(PublishedModel model) {
    liveVersions.add(model.version());
  }

  @Override
  public void modelRefused(String reason) {
    refusedReasons.add(reason);
  }

  @Override
  public void sampleRefused(String reason) {
    refusedSamples.add(reason);
  }

  @Override
  public void trainingFinished(TrainingResult result, long durationMillis, int windowSize) {
    trainingResults.add(result);
    trainingMillis.add(durationMillis);
    trainingWindowSizes.add(windowSize);
  }
}
