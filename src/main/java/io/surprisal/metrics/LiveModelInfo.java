package io.surprisal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.surprisal.model.EnsembleModel;
import io.surprisal.model.PublishedModel;
import java.util.List;

/**
 * The gauge {@code surprisal.model.info{kind,score,version}}, always 1: which model scores on this
 * instance, for a dashboard's legend and for joins ({@code * on (instance) group_left (kind)}).
 * Its labels change with every model, so it is a {@link MultiGauge} whose single row is replaced:
 * the previous model's series leaves the scrape (Prometheus marks it stale) instead of staying at
 * 1 beside the new one. Before the first model there is no series.
 */
final class LiveModelInfo {
  private MultiGauge gauge;
  private PublishedModel shown;

  synchronized void bindTo(MeterRegistry registry) {
    gauge = MultiGauge.builder("surprisal.model.info")
        .description("Always 1; the kind, score and version labels name the live model")
        .register(registry);
    if (shown != null) show(shown);
  }

  /**
   * Shows {@code model} as the live one. Models go live on the global stream thread, one at a
   * time; the lock is for {@link #bindTo}, which runs on another thread and may come second.
   */
  synchronized void show(PublishedModel model) {
    shown = model;
    if (gauge == null) return;
    Tags labels = Tags.of("kind", model.model().kind(), "score",
        model.model() instanceof EnsembleModel ? "ensemble" : "likelihood",
        "version", Long.toString(model.version()));
    gauge.register(List.of(MultiGauge.Row.of(labels, 1)), true);
  }
}
