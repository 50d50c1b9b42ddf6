package io.onder.rules;

import static io.onder.rules.CommandAnswers.Reply.ACCEPTED;
import static io.onder.rules.CommandAnswers.Reply.COMPLETED;
import static io.onder.rules.CommandAnswers.Reply.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.onder.rules.CommandAnswers.Asked;
import io.onder.rules.CommandAnswers.Standing;
import io.onder.rules.Dispatcher.Candidate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Default rulebook: margin 10 %, reliability EWMA weight 0.2. Times in ms; the command is issued at 1,000,000. */
class CommandAnswersTest {
    static final long ISSUED = 1_000_000;
    static final long MIN = 60_000;

    @Test
    void an_answer_counts_from_when_it_was_given_and_silence_past_the_timeout_is_unanswered() {
        // no answer: pending for the first minute, unanswered from 1,060,000 on
        assertThat(CommandAnswers.standing(null, 0, ISSUED, MIN, ISSUED)).isEqualTo(Standing.PENDING);
        assertThat(CommandAnswers.standing(null, 0, ISSUED, MIN, ISSUED + MIN - 1)).isEqualTo(Standing.PENDING);
        assertThat(CommandAnswers.standing(null, 0, ISSUED, MIN, ISSUED + MIN)).isEqualTo(Standing.UNANSWERED);
        // a refusal given at +10 s: still pending at +5 s, refused from +10 s
        assertThat(CommandAnswers.standing(REJECTED, ISSUED + 10_000, ISSUED, MIN, ISSUED + 5_000)).isEqualTo(Standing.PENDING);
        assertThat(CommandAnswers.standing(REJECTED, ISSUED + 10_000, ISSUED, MIN, ISSUED + 10_000)).isEqualTo(Standing.REFUSED);
        // an acceptance given late (+90 s): unanswered at +60 s, accepted from +90 s
        assertThat(CommandAnswers.standing(ACCEPTED, ISSUED + 90_000, ISSUED, MIN, ISSUED + 60_000)).isEqualTo(Standing.UNANSWERED);
        assertThat(CommandAnswers.standing(ACCEPTED, ISSUED + 90_000, ISSUED, MIN, ISSUED + 90_000)).isEqualTo(Standing.ACCEPTED);
        assertThat(CommandAnswers.standing(COMPLETED, ISSUED + 1, ISSUED, MIN, ISSUED + 1)).isEqualTo(Standing.ACCEPTED);
    }

    @Test
    void only_accepted_and_pending_devices_are_counted_on_and_a_refusal_is_final() {
        assertThat(List.of(Standing.values())).filteredOn(CommandAnswers::countedOn).containsExactly(Standing.PENDING, Standing.ACCEPTED);
        assertThat(CommandAnswers.replaces(null, REJECTED)).isTrue();
        assertThat(CommandAnswers.replaces(ACCEPTED, REJECTED)).isTrue(); // a device may back out
        assertThat(CommandAnswers.replaces(ACCEPTED, COMPLETED)).isTrue();
        assertThat(CommandAnswers.replaces(REJECTED, ACCEPTED)).isFalse();
    }

    @Test
    void delivery_is_paid_from_the_acceptance_and_never_without_one() {
        assertThat(CommandAnswers.paidFrom(ISSUED + 5_000, ISSUED)).as("accepted after the ask starts").isEqualTo(ISSUED + 5_000);
        assertThat(CommandAnswers.paidFrom(ISSUED - MIN, ISSUED)).as("accepted ahead of the start").isEqualTo(ISSUED);
        assertThat(CommandAnswers.paidFrom(Long.MAX_VALUE, ISSUED)).as("never accepted").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void a_refused_device_is_verified_only_for_intervals_that_ended_by_the_refusal() {
        long refusedAt = ISSUED + 2 * MIN + 30_000; // refused half way through its third minute
        assertThat(CommandAnswers.verified(refusedAt, ISSUED + MIN)).isTrue();
        assertThat(CommandAnswers.verified(refusedAt, ISSUED + 2 * MIN)).isTrue();
        assertThat(CommandAnswers.verified(refusedAt, ISSUED + 3 * MIN)).isFalse();
        assertThat(CommandAnswers.verified(Long.MAX_VALUE, ISSUED + 3 * MIN)).as("never refused").isTrue();
    }

    @Test
    void expected_delivery_counts_asked_times_reliability_of_the_devices_counted_on() {
        // a accepted 5,000 W at 0.8 → 4,000; b pending 1,500 W at 0.75 → 1,125; c refused, d unanswered: nothing
        List<Asked> asked = List.of(new Asked(Standing.ACCEPTED, 5_000, 800_000, 0, 0), new Asked(Standing.PENDING, 1_500, 750_000, 0, 0),
                new Asked(Standing.REFUSED, 9_000, 1_000_000, 0, 0), new Asked(Standing.UNANSWERED, 9_000, 1_000_000, 0, 0));
        assertThat(CommandAnswers.expectedW(asked)).isEqualTo(5_125);
    }

    @Test
    void measured_delivery_is_each_devices_average_over_the_time_it_was_asked_refusers_aside() {
        // a asked the whole minute, delivered 100,000 mWh → 6,000 W; b asked from half way, 25,000 mWh in 30 s → 3,000 W;
        // c unanswered but delivered 10,000 mWh in the minute → 600 W (a fact, counted); d refused: its 50,000 are not;
        // e asked from the boundary itself: nothing yet
        List<Asked> asked = List.of(new Asked(Standing.ACCEPTED, 6_000, 800_000, 100_000, MIN),
                new Asked(Standing.PENDING, 5_500, 800_000, 25_000, 30_000), new Asked(Standing.UNANSWERED, 3_000, 800_000, 10_000, MIN),
                new Asked(Standing.REFUSED, 3_000, 800_000, 50_000, MIN), new Asked(Standing.ACCEPTED, 1_000, 800_000, 0, 0));
        assertThat(CommandAnswers.measuredW(asked)).isEqualTo(9_600);
    }

    @Test
    void a_refusal_is_covered_by_others_and_counts_in_the_refusers_reliability() {
        Rulebook.DrRules rules = Rulebook.defaults().dr();
        Dispatcher dispatcher = new Dispatcher(rules);
        DrEventSpec event = new DrEventSpec("E1", "utility:u", DrDirection.REDUCE, 4_000, ISSUED, ISSUED + 10 * MIN, 100_000, 0);
        // round 0: goal 4,000 × 1.1 = 4,400 expected; x alone (0.8) is asked ceil(4,400 / 0.8) = 5,500 W
        var round0 = dispatcher.dispatch(event, List.of(new Candidate("x", 6_000, 800_000, 0, Candidate.NEVER)), ISSUED);
        assertThat(round0.commands()).extracting(DeviceCommand::deviceId, DeviceCommand::requestedW).containsExactly(tuple("x", 5_500L));
        // x refuses at +30 s: counted on, the pool expects nothing; the shortfall 4,000 × 1.1 = 4,400 goes to y: 5,500 W
        long at = ISSUED + 30_000;
        long counted = CommandAnswers.expectedW(List.of(new Asked(
                CommandAnswers.standing(REJECTED, at, ISSUED, MIN, at), 5_500, 800_000, 0, 0)));
        assertThat(counted).isZero();
        var round1 = dispatcher.redispatch(event, List.of(new Candidate("y", 6_000, 800_000, 0, Candidate.NEVER)), counted, Set.of("x"), 1, at);
        assertThat(round1.commands()).extracting(DeviceCommand::commandId, DeviceCommand::requestedW, DeviceCommand::issuedAtMillis)
                .containsExactly(tuple("E1/y/1", 5_500L, at));
        // had x accepted, 4,400 expected ≥ 4,000: no one else is asked
        long accepted = CommandAnswers.expectedW(List.of(new Asked(Standing.ACCEPTED, 5_500, 800_000, 0, 0)));
        assertThat(dispatcher.redispatch(event, List.of(new Candidate("y", 6_000, 800_000, 0, Candidate.NEVER)), accepted, Set.of("x"), 1, at)
                .commands()).isEmpty();
        // x's reliability: asked 5,500 W for 10 minutes = 916,666 mWh, nothing verified after the refusal → 0.8 × 0.8 + 0.2 × 0 = 0.64
        long requested = Math.floorDiv(5_500L * 10 * MIN, 3_600L);
        assertThat(requested).isEqualTo(916_666);
        assertThat(Reliability.update(800_000, 0, requested, rules)).isEqualTo(640_000);
    }
}
