"""The pacer keeps each channel within one message per second (bursts allowed); Retry-After holds a method."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from incidentbot.slack.delivery import pacing
from incidentbot.slack.delivery.pacing import ChannelPacer, MethodCooldown


class FakeTime:
    """`time.monotonic` and `time.sleep` for the pacing module: sleeping moves the clock, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    clock = FakeTime()
    monkeypatch.setattr(pacing, "time", clock)
    # One thread at a time in these tests: a pause in the pacer's turn passes fake time instead of waiting.
    monkeypatch.setattr(ChannelPacer, "_pause", lambda self, seconds: clock.sleep(seconds or 0.0))
    return clock


def test_a_burst_goes_at_once_then_one_post_per_interval(fake_time: FakeTime) -> None:
    pacer = ChannelPacer(interval=1.0, burst=4)
    waits = [pacer.wait("C1") for _ in range(10)]
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:] == pytest.approx([1.0] * 6)
    # Sustained: 10 posts took 6 s, i.e. never more than `burst` posts in the first second and then 1/s.
    assert fake_time.now - 1000.0 == pytest.approx(6.0)


def test_sent_times_never_exceed_one_per_interval_over_any_window(fake_time: FakeTime) -> None:
    pacer = ChannelPacer(interval=1.0, burst=4)
    sent = []
    for _ in range(40):
        pacer.wait("C1")
        sent.append(fake_time.now)
    for i, start in enumerate(sent):
        in_window = [t for t in sent[i:] if t < start + 10.0]
        assert len(in_window) <= 10 + 4, "more than one post per second (plus the burst) in a 10 s window"


def test_tokens_come_back_while_the_channel_is_quiet(fake_time: FakeTime) -> None:
    pacer = ChannelPacer(interval=1.0, burst=2)
    assert [pacer.wait("C1") for _ in range(3)] == pytest.approx([0, 0, 1.0])
    fake_time.now += 10.0  # quiet for a while: the bucket refills, but never above the burst
    assert [pacer.wait("C1") for _ in range(3)] == pytest.approx([0, 0, 1.0])


def test_channels_are_paced_independently(fake_time: FakeTime) -> None:
    pacer = ChannelPacer(interval=1.0, burst=1)
    assert pacer.wait("C1") == 0
    assert pacer.wait("C2") == 0
    assert pacer.wait("C1") == pytest.approx(1.0)
    assert pacer.wait("C3") == 0


def test_interval_zero_turns_pacing_off(fake_time: FakeTime) -> None:
    pacer = ChannelPacer(interval=0, burst=1)
    assert all(pacer.wait("C1") == 0 for _ in range(100))
    assert fake_time.slept == []


def test_concurrent_senders_queue_behind_each_other() -> None:
    """Real threads and real time: six workers posting to one channel at once are spaced `interval` apart."""
    pacer = ChannelPacer(interval=0.05, burst=1)
    sent: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def post() -> None:
        barrier.wait()
        pacer.wait("C1")
        with lock:
            sent.append(time.monotonic())

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.sort()
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= 0.05 * 0.8, gaps
    assert sent[-1] - sent[0] >= 5 * 0.05 * 0.9


def test_cooldown_holds_a_method_for_its_retry_after(fake_time: FakeTime) -> None:
    cooldown = MethodCooldown()
    assert cooldown.remaining("chat.postMessage") == 0
    cooldown.hold("chat.postMessage", 30)
    assert cooldown.remaining("chat.postMessage") == pytest.approx(30)
    assert cooldown.remaining("chat.update") == 0  # other methods are not held
    cooldown.hold("chat.postMessage", 5)  # a shorter hold never shortens a longer one
    assert cooldown.remaining("chat.postMessage") == pytest.approx(30)
    fake_time.now += 29
    assert cooldown.remaining("chat.postMessage") == pytest.approx(1)
    fake_time.now += 1
    assert cooldown.remaining("chat.postMessage") == 0


def test_an_urgent_post_takes_the_next_token_before_chatter_that_was_waiting() -> None:
    """Real threads: with three replies already waiting for the channel, a root arriving last goes first."""
    pacer = ChannelPacer(interval=0.1, burst=1)
    pacer.wait("C1")  # the burst is spent: everyone now waits for a token
    order: list[str] = []
    lock = threading.Lock()

    def post(name: str, priority: int) -> None:
        pacer.wait("C1", priority)
        with lock:
            order.append(name)

    chatter = [threading.Thread(target=post, args=(f"reply{i}", 1)) for i in range(3)]
    for thread in chatter:
        thread.start()
        time.sleep(0.01)  # each arrives in turn
    root = threading.Thread(target=post, args=("root", 0))
    root.start()
    for thread in [*chatter, root]:
        thread.join()
    assert order == ["root", "reply0", "reply1", "reply2"]
    assert pacer.wait("C2", 0) == 0  # another channel is not held up
