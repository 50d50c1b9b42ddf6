package io.onder.dashboards;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source of the committed dashboards in {@code dashboards/json/}. Edit here, then regenerate:
 * {@code mvn -pl dashboards test -Dtest=DashboardsAreGeneratedTest -Donder.dashboards.write=true}.
 * {@link DashboardsAreGeneratedTest} fails when the committed files differ from what this class produces.
 *
 * <p>Cassandra reads follow the tables' partition keys: feeder rows by (feeder_id, day), DR rows by event, ledger rows
 * by (account, settlement_period). Day buckets are UTC yyyymmdd; a panel reads the buckets of the range's first and
 * last day, so ranges of up to two UTC days are complete.
 */
final class OnderDashboards {
  private OnderDashboards() {}

  /** The time window of a feeder_interval read for the selected feeders. */
  static final String FEEDER_WINDOW = " FROM feeder_interval WHERE feeder_id IN (${feeder:singlequote})"
      + " AND day IN (${__from:date:YYYYMMDD}, ${__to:date:YYYYMMDD})"
      + " AND interval_start >= $__timeFrom AND interval_start < $__timeTo";

  static Map<String, ObjectNode> all() {
    Map<String, ObjectNode> m = new LinkedHashMap<>();
    m.put("onder-grid-stability.json", gridStability());
    m.put("onder-demand-response.json", demandResponse());
    m.put("onder-rewards-settlement.json", rewardsSettlement());
    m.put("onder-pipeline-health.json", pipelineHealth());
    return m;
  }

  /** A JSON object with its keys in the given order (Map.of iterates in a different order on every JVM). */
  static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return m;
  }

  static ObjectNode gridStability() {
    DashboardBuilder d = new DashboardBuilder("onder-grid-stability", "Onder / Grid stability",
        "For distributors: per feeder, load against capacity and reverse-flow limit, stress, local and clean shares,"
            + " power quality and devices reporting. Data: feeder_interval, one row per feeder per interval.");
    d.cqlVariable("region", "Region", "SELECT region_id FROM feeders", false)
        .cqlVariable("substation", "Substation", "SELECT substation_id FROM feeders WHERE region_id = '$region' ALLOW FILTERING", false)
        .cqlVariable("feeder", "Feeder", "SELECT feeder_id FROM feeders WHERE substation_id = '$substation' ALLOW FILTERING", true);

    d.row("Load against limits");
    d.panel("timeseries", "Net load vs capacity and reverse-flow limit",
            "Average net load per interval in W (positive: import from the substation; negative: export)."
                + " Capacity above zero, the reverse-flow limit drawn below zero.", 16, 9)
        .cql("SELECT feeder_id, net_w, capacity_w, reverse_flow_limit_w, interval_start" + FEEDER_WINDOW)
        .unit("watt")
        .override("capacity_w", "custom.lineStyle", obj("fill", "dash", "dash", List.of(10, 10)))
        .override("reverse_flow_limit_w", "custom.transform", "negative-Y")
        .override("reverse_flow_limit_w", "custom.lineStyle", obj("fill", "dash", "dash", List.of(10, 10)));
    d.panel("timeseries", "Stress level",
            "Load against capacity (PEAK) or export against the reverse-flow limit (SURPLUS); 0 when NONE. 1 = at the limit.",
            8, 9)
        .cql("SELECT feeder_id, stress_level, interval_start, stress" + FEEDER_WINDOW)
        .unit("percentunit")
        .option("legend", obj("displayMode", "list", "placement", "bottom"));
    d.panel("table", "Peak stress intervals", "Intervals where load pressed against capacity.", 12, 8)
        .cql("SELECT feeder_id, interval_start, stress_level, net_w, capacity_w" + FEEDER_WINDOW
            + " AND stress = 'PEAK' ALLOW FILTERING")
        .override("stress_level", "unit", "percentunit")
        .override("net_w", "unit", "watt");
    d.panel("table", "Surplus stress intervals", "Intervals where export pressed against the reverse-flow limit.", 12, 8)
        .cql("SELECT feeder_id, interval_start, stress_level, net_w, reverse_flow_limit_w" + FEEDER_WINDOW
            + " AND stress = 'SURPLUS' ALLOW FILTERING")
        .override("stress_level", "unit", "percentunit")
        .override("net_w", "unit", "watt");

    d.row("Quality of energy");
    d.panel("timeseries", "Local match share", "Share of the feeder's export consumed on the same feeder in the interval.", 12, 8)
        .cql("SELECT feeder_id, local_match, interval_start" + FEEDER_WINDOW)
        .unit("percentunit").minMax(0, 1);
    d.panel("timeseries", "Clean share", "Clean share of the energy consumed on the feeder.", 12, 8)
        .cql("SELECT feeder_id, clean_share, interval_start" + FEEDER_WINDOW)
        .unit("percentunit").minMax(0, 1);

    d.row("Power quality and devices");
    d.panel("timeseries", "Voltage", "Average voltage of the devices that report it (empty when none do).", 8, 8)
        .cql("SELECT feeder_id, avg_voltage_v, interval_start" + FEEDER_WINDOW)
        .unit("volt");
    d.panel("timeseries", "Frequency", "Average grid frequency of the devices that report it.", 8, 8)
        .cql("SELECT feeder_id, avg_frequency_hz, interval_start" + FEEDER_WINDOW)
        .unit("hertz");
    d.panel("timeseries", "Devices reporting", "Devices with a reading in the interval.", 8, 8)
        .cql("SELECT feeder_id, devices_reporting, interval_start" + FEEDER_WINDOW)
        .unit("short");
    d.panel("table", "Feeders", "Registry: the selected feeders and their limits.", 24, 6)
        .cql("SELECT feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor FROM feeders"
            + " WHERE feeder_id IN (${feeder:singlequote})")
        .override("capacity_w", "unit", "watt")
        .override("reverse_flow_limit_w", "unit", "watt");
    return d.build();
  }

  static ObjectNode demandResponse() {
    DashboardBuilder d = new DashboardBuilder("onder-demand-response", "Onder / Demand response",
        "For utilities and operators: DR events, what was requested of dispatched devices against what they verifiably"
            + " delivered, per interval and per device. Data: dr_events, dr_delivery (one partition per event).");
    d.cqlVariable("event", "DR event", "SELECT event_id FROM dr_events", false);

    d.row("Events");
    d.panel("table", "DR events", "Every event the pool has received (latest version).", 24, 7)
        .cql("SELECT event_id, utility_id, target_kind, target_id, direction, target_w, start_ts, end_ts, rate, status,"
            + " version FROM dr_events")
        .override("target_w", "unit", "watt");
    d.panel("stat", "Target", "Requested change of load for the selected event.", 6, 5)
        .cql("SELECT event_id, target_w, rate FROM dr_events WHERE event_id = '$event'")
        .override("target_w", "unit", "watt");
    d.panel("stat", "Dispatched devices", "Devices that received at least one command for the event.", 6, 5)
        .cql("SELECT device_id, COUNT(*) AS intervals FROM dr_delivery WHERE event_id = '$event' GROUP BY device_id")
        .option("reduceOptions", obj("calcs", List.of("count"), "fields", "/^device_id$/", "values", false));
    d.panel("stat", "Requested and delivered", "Energy over the whole event, all devices.", 12, 5)
        .cql("SELECT event_id, SUM(requested_milli_wh) AS requested_milli_wh, SUM(delivered_milli_wh) AS delivered_milli_wh"
            + " FROM dr_delivery WHERE event_id = '$event'")
        .ratio("delivered share", "delivered_milli_wh", "/", "requested_milli_wh")
        .override("requested_milli_wh", "unit", "mwatth")
        .override("delivered_milli_wh", "unit", "mwatth")
        .override("delivered share", "unit", "percentunit");

    d.row("Per interval");
    d.panel("timeseries", "Requested vs delivered per interval",
            "Summed over the dispatched devices. The gap between the lines is the shortfall that triggers re-dispatch.",
            16, 9)
        .cql("SELECT event_id, requested_milli_wh, delivered_milli_wh, baseline_milli_wh, actual_milli_wh, interval_start"
            + " FROM dr_delivery WHERE event_id = '$event'")
        .groupBySum("interval_start", "requested_milli_wh", "delivered_milli_wh", "baseline_milli_wh", "actual_milli_wh")
        .unit("mwatth");
    d.panel("timeseries", "Delivered per device", "Stacked: the top of the stack is the pool's delivery.", 8, 9)
        .cql("SELECT device_id, delivered_milli_wh, interval_start FROM dr_delivery WHERE event_id = '$event'")
        .unit("mwatth")
        .option("legend", obj("displayMode", "hidden", "placement", "bottom"));

    d.row("Per device");
    d.panel("table", "Dispatched devices, shortfall and reliability",
            "One row per device. A first interval after the event's start marks a device added by re-dispatch;"
                + " reliability is delivered / requested for this event.", 24, 9)
        .cql("SELECT device_id, MIN(interval_start) AS first_interval, MAX(interval_start) AS last_interval,"
            + " SUM(requested_milli_wh) AS requested_milli_wh, SUM(delivered_milli_wh) AS delivered_milli_wh"
            + " FROM dr_delivery WHERE event_id = '$event' GROUP BY device_id")
        .ratio("shortfall_milli_wh", "requested_milli_wh", "-", "delivered_milli_wh")
        .ratio("reliability", "delivered_milli_wh", "/", "requested_milli_wh")
        .override("requested_milli_wh", "unit", "mwatth")
        .override("delivered_milli_wh", "unit", "mwatth")
        .override("shortfall_milli_wh", "unit", "mwatth")
        .override("reliability", "unit", "percentunit");
    return d.build();
  }

  static ObjectNode rewardsSettlement() {
    DashboardBuilder d = new DashboardBuilder("onder-rewards-settlement", "Onder / Rewards and settlement",
        "Ledger lines by reason for an owner, a distributor's network fees, the creators fund and the subsidy pool in"
            + " one settlement period; what the ledger owes against what was settled on chain, and the gas it cost."
            + " Amounts are S* base units (6 decimals).");
    d.textVariable("period", "Settlement period", "Index of the settlement period (RewardEntry.settlementPeriod).")
        .textVariable("owner", "Owner address", "A device owner's address, 0x-prefixed, lower case.")
        .cqlVariable("distributor", "Distributor", "SELECT distributor FROM feeders", false)
        .constant("creators_fund", "creators-fund:onder",
            "Ledger account of the creators fund: account.creatorsFund of the rulebook (flink-jobs).")
        .textVariable("subsidy_pool", "Subsidy pool", "Ledger account of a subsidy pool (AccountKind SUBSIDY_POOL).",
            "pool:community-solar");

    d.row("Rewards");
    d.panel("barchart", "Owner rewards by reason", "Sum of the owner's ledger lines in the period, by reason.", 12, 8)
        .cql("SELECT reason, amount, energy_milli_wh FROM ledger WHERE account = '$owner' AND settlement_period = $period")
        .groupBySum("reason", "amount", "energy_milli_wh")
        .option("xField", "reason");
    d.panel("table", "Owner ledger lines", "Every line with its rulebook version, so a replay under new rules can be compared.",
            12, 8)
        .cql("SELECT entry_id, reason, device_id, amount, energy_milli_wh, interval_start, rulebook_version FROM ledger"
            + " WHERE account = '$owner' AND settlement_period = $period")
        .override("energy_milli_wh", "unit", "mwatth");

    d.row("Fees and the subsidy pool");
    d.panel("table", "Distributor network fees", "The distributor's ledger lines in the period, by reason.", 8, 7)
        .cql("SELECT reason, amount, energy_milli_wh FROM ledger WHERE account = '$distributor' AND settlement_period = $period")
        .groupBySum("reason", "amount", "energy_milli_wh")
        .override("energy_milli_wh (sum)", "unit", "mwatth");
    d.panel("table", "Creators-fund fees", "The creators fund's ledger lines in the period, by reason.", 8, 7)
        .cql("SELECT reason, amount FROM ledger WHERE account = '$creators_fund' AND settlement_period = $period")
        .groupBySum("reason", "amount");
    d.panel("table", "Subsidy pool", "Funding in, top-ups out (signed amounts), in the period.", 8, 7)
        .cql("SELECT reason, amount, energy_milli_wh FROM ledger WHERE account = '$subsidy_pool' AND settlement_period = $period")
        .groupBySum("reason", "amount", "energy_milli_wh")
        .override("energy_milli_wh (sum)", "unit", "mwatth");

    d.row("Owed against settled on chain");
    d.panel("stat", "Owed in total vs settled on chain",
            "Cumulative amount the ledger owes all owners against the sum paid by confirmed settlement transactions."
                + " Both read whole (small) tables.", 12, 6)
        .cql("SELECT SUM(cumulative_amount) AS owed_total FROM owed")
        .cql("SELECT SUM(paid_total) AS settled_total FROM settlement_receipts WHERE status = 'CONFIRMED' ALLOW FILTERING");
    d.panel("table", "Owner: owed vs latest voucher", "The owner's cumulative amount owed and the latest signed voucher.", 12, 6)
        .cql("SELECT owner_address, cumulative_amount, settlement_period, batch_id FROM owed WHERE owner_address = '$owner'")
        .cql("SELECT owner_address, cumulative_amount AS voucher_amount, chain_id, batch_id AS voucher_batch, signed_at"
            + " FROM vouchers WHERE owner_address = '$owner'")
        .merge();
    d.panel("timeseries", "Gas per settlement transaction", "Gas used by each batch and per payee paid.", 12, 8)
        .cql("SELECT hub, gas_used, payees, confirmed_at FROM settlement_receipts"
            + " WHERE confirmed_at >= $__timeFrom AND confirmed_at < $__timeTo ALLOW FILTERING")
        .ratio("gas per payee", "gas_used", "/", "payees")
        .unit("none")
        .option("legend", obj("displayMode", "list", "placement", "bottom"));
    d.panel("table", "Settlement transactions", "Batches settled in the time range.", 12, 8)
        .cql("SELECT batch_id, tx_hash, block_number, payees, paid_total, gas_used, status, confirmed_at"
            + " FROM settlement_receipts WHERE confirmed_at >= $__timeFrom AND confirmed_at < $__timeTo ALLOW FILTERING");
    return d.build();
  }

  static ObjectNode pipelineHealth() {
    DashboardBuilder d = new DashboardBuilder("onder-pipeline-health", "Onder / Pipeline health",
        "For operators: CoAP ingest rate and rejects, Kafka consumer lag, Flink checkpoints and restarts (Prometheus).");
    d.promVariable("job", "Flink job", "label_values(flink_jobmanager_job_uptime, job_name)");

    d.row("Ingest");
    d.panel("timeseries", "Readings accepted per second",
            "Readings acknowledged to devices (in Kafka with acks=all), and repeats acknowledged and dropped.", 8, 8)
        .promql("sum(rate(onder_ingest_readings_total{outcome=\"accepted\"}[$__rate_interval]))", "accepted")
        .promql("sum(rate(onder_ingest_readings_total{outcome=\"duplicate\"}[$__rate_interval]))", "duplicates dropped")
        .unit("reqps");
    d.panel("timeseries", "Rejects and overload by reason", "4.xx answers by diagnostic; 5.03 answers by cause.", 8, 8)
        .promql("sum by (reason) (rate(onder_ingest_requests_total{outcome=\"refused\"}[$__rate_interval]))", "4.xx {{reason}}")
        .promql("sum by (reason) (rate(onder_ingest_requests_total{outcome=\"overloaded\"}[$__rate_interval]))", "5.03 {{reason}}")
        .unit("reqps");
    d.panel("timeseries", "Kafka acknowledgement p99 and requests in flight",
            "Time from send to Kafka's acks=all answer; requests waiting for it (5.03 beyond the limit).", 8, 8)
        .promql("histogram_quantile(0.99, sum by (le) (rate(onder_ingest_kafka_ack_seconds_bucket[$__rate_interval])))", "ack p99 (s)")
        .promql("sum(onder_ingest_in_flight_requests)", "in flight")
        .unit("short");

    d.row("Kafka");
    d.panel("timeseries", "Consumer lag by group and topic", "Strimzi Kafka Exporter: messages not yet consumed.", 12, 8)
        .promql("sum by (consumergroup, topic) (kafka_consumergroup_lag)", "{{consumergroup}} / {{topic}}")
        .unit("short");
    d.panel("timeseries", "Messages in per topic", "Broker-side produce rate.", 12, 8)
        .promql("sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesin_total{topic=~\"onder.*\"}[$__rate_interval]))",
            "{{topic}}")
        .unit("short");

    d.row("Flink");
    d.panel("timeseries", "Checkpoint duration", "Duration of the last completed checkpoint per job.", 8, 8)
        .promql("max by (job_name) (flink_jobmanager_job_lastCheckpointDuration{job_name=~\"$job\"})", "{{job_name}}")
        .unit("ms");
    d.panel("timeseries", "Checkpoints completed and failed", "Per job, over the last hour.", 8, 8)
        .promql("sum by (job_name) (increase(flink_jobmanager_job_numberOfCompletedCheckpoints{job_name=~\"$job\"}[1h]))",
            "{{job_name}} completed")
        .promql("sum by (job_name) (increase(flink_jobmanager_job_numberOfFailedCheckpoints{job_name=~\"$job\"}[1h]))",
            "{{job_name}} failed")
        .unit("short");
    d.panel("timeseries", "Restarts", "Job restarts over the last hour; anything above zero deserves a look.", 8, 8)
        .promql("sum by (job_name) (increase(flink_jobmanager_job_numRestarts{job_name=~\"$job\"}[1h]))", "{{job_name}}")
        .unit("short");
    d.panel("timeseries", "Checkpoint size", "Size of the last checkpoint per job.", 12, 8)
        .promql("max by (job_name) (flink_jobmanager_job_lastCheckpointSize{job_name=~\"$job\"})", "{{job_name}}")
        .unit("bytes");
    d.panel("timeseries", "Busy and backpressured time", "Share of time the busiest task spends working or waiting.", 12, 8)
        .promql("max by (job_name) (flink_taskmanager_job_task_busyTimeMsPerSecond{job_name=~\"$job\"}) / 1000", "{{job_name}} busy")
        .promql("max by (job_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond{job_name=~\"$job\"}) / 1000",
            "{{job_name}} backpressured")
        .unit("percentunit");
    return d.build();
  }

  /** Writes the dashboards to {@code dir}, one pretty-printed file each, ending with a newline. */
  static void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, ObjectNode> e : all().entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), render(e.getValue()));
    }
  }

  static String render(ObjectNode dashboard) throws IOException {
    return DashboardBuilder.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(dashboard) + "\n";
  }
}
