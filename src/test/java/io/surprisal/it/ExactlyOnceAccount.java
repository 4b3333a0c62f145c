package io.surprisal.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.surprisal.event.Alert;
import io.surprisal.event.MessageJson;
import io.surprisal.event.Score;
import io.surprisal.stream.DetectorConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The exactly-once books of a run, from the topics as committed (read_committed): each event id
 * in the events topic against the scores and alerts topics. An event is lost when no score names
 * it, duplicated when more than one does; an alert is duplicated when two name the same event.
 * The outputs of one event are written in one transaction, so the alerts must also be exactly the
 * events whose score says {@code alert}: a mismatch means one output committed without the other.
 *
 * @param events distinct event ids in the events topic
 * @param eventRecords records in the events topic (more than {@code events} if the producer
 *     itself duplicated one; it is idempotent, so it should not)
 * @param scoreRecords records in the scores topic
 * @param lostEvents event ids with no score
 * @param duplicateScores score records beyond the first for an id
 * @param unknownScores scores for ids that are not in the events topic
 * @param scored events scored by a model (the rest arrived before the first model)
 * @param alertRecords records in the alerts topic
 * @param duplicateAlerts alert records beyond the first for an id
 * @param alertsWithoutAlertScore alerted ids whose score says no alert, or that have no score
 * @param alertScoresWithoutAlert ids whose score says alert but that have no alert record
 * @param injectedAnomalies injected anomalies that reached the events topic
 * @param anomaliesScored of those, scored by a model
 * @param anomaliesAlerted of those, alerted
 * @param deadLetters records in the dead-letter topic (generated events are all valid)
 */
record ExactlyOnceAccount(
    int events,
    int eventRecords,
    int scoreRecords,
    int lostEvents,
    int duplicateScores,
    int unknownScores,
    int scored,
    int alertRecords,
    int duplicateAlerts,
    int alertsWithoutAlertScore,
    int alertScoresWithoutAlert,
    int injectedAnomalies,
    int anomaliesScored,
    int anomaliesAlerted,
    int deadLetters) {

  /** Reads the four topics to their last stable offsets and balances the books. */
  static ExactlyOnceAccount read(
      Properties client, DetectorConfig.Topics topics, Set<String> injectedAnomalies) {
    List<byte[]> eventValues = CommittedRecords.values(client, topics.events());
    Set<String> eventIds = new HashSet<>();
    for (byte[] value : eventValues) {
      eventIds.add(MessageJson.read(value, JsonNode.class).get("id").asText());
    }
    Map<String, Score> scoreById = new HashMap<>();
    int duplicateScores = 0;
    int unknownScores = 0;
    int scored = 0;
    List<byte[]> scoreValues = CommittedRecords.values(client, topics.scores());
    for (byte[] value : scoreValues) {
      Score score = MessageJson.read(value, Score.class);
      if (scoreById.putIfAbsent(score.id(), score) != null) {
        duplicateScores++;
        continue;
      }
      if (!eventIds.contains(score.id())) unknownScores++;
      if (score.scored()) scored++;
    }
    Set<String> alerted = new HashSet<>();
    int duplicateAlerts = 0;
    int alertsWithoutAlertScore = 0;
    List<byte[]> alertValues = CommittedRecords.values(client, topics.alerts());
    for (byte[] value : alertValues) {
      Alert alert = MessageJson.read(value, Alert.class);
      if (!alerted.add(alert.id())) {
        duplicateAlerts++;
        continue;
      }
      Score score = scoreById.get(alert.id());
      if (score == null || !score.alert()) alertsWithoutAlertScore++;
    }
    int alertScoresWithoutAlert = 0;
    for (Score score : scoreById.values()) {
      if (score.alert() && !alerted.contains(score.id())) alertScoresWithoutAlert++;
    }
    int lost = 0;
    for (String id : eventIds) {
      if (!scoreById.containsKey(id)) lost++;
    }
    int anomalies = 0;
    int anomaliesScored = 0;
    int anomaliesAlerted = 0;
    for (String id : injectedAnomalies) {
      if (!eventIds.contains(id)) continue;
      anomalies++;
      Score score = scoreById.get(id);
      if (score != null && score.scored()) anomaliesScored++;
      if (alerted.contains(id)) anomaliesAlerted++;
    }
    int deadLetters = CommittedRecords.values(client, topics.deadLetters()).size();
    return new ExactlyOnceAccount(eventIds.size(), eventValues.size(), scoreValues.size(), lost,
        duplicateScores, unknownScores, scored, alertValues.size(), duplicateAlerts,
        alertsWithoutAlertScore, alertScoresWithoutAlert, anomalies, anomaliesScored,
        anomaliesAlerted, deadLetters);
  }

  /** Whether every event has its score and nothing is duplicated or out of step. */
  boolean balanced() {
    return lostEvents == 0 && duplicateScores == 0 && unknownScores == 0 && duplicateAlerts == 0
        && alertsWithoutAlertScore == 0 && alertScoresWithoutAlert == 0
        && eventRecords == events;
  }
}
