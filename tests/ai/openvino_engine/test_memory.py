"""The engine gives memory back once a long request is over: when it is idle and holds noticeably more
than after the last time."""

from prompt_forge.ai.openvino_engine.memory import TRIM_AFTER_GROWTH_MB, MemoryReturner, malloc_trim


class Process:
    """Resident memory that a trim brings back down to `floor`."""

    def __init__(self, resident: float, floor: float) -> None:
        self.resident = resident
        self.floor = floor
        self.trims = 0

    def trim(self) -> None:
        self.trims += 1
        self.resident = self.floor


def test_memory_left_by_a_long_request_is_given_back_when_the_engine_is_idle():
    process = Process(resident=500, floor=500)
    returner = MemoryReturner(trim=process.trim, resident=lambda: process.resident)
    process.resident = 500 + TRIM_AFTER_GROWTH_MB + 150  # a long prompt was read
    assert returner.engine_idle()
    assert process.resident == 500 and process.trims == 1


def test_small_growths_do_not_cost_a_trim_each_time_the_engine_is_idle():
    process = Process(resident=500, floor=490)
    returner = MemoryReturner(trim=process.trim, resident=lambda: process.resident)
    for _ in range(5):  # short requests, each followed by an idle engine
        process.resident += 2
        assert not returner.engine_idle()
    assert process.trims == 0


def test_growth_is_measured_from_after_the_last_trim():
    process = Process(resident=500, floor=520)
    returner = MemoryReturner(trim=process.trim, resident=lambda: process.resident)
    process.resident = 700
    assert returner.engine_idle()  # down to 520, the new reference
    process.resident = 520 + TRIM_AFTER_GROWTH_MB - 1
    assert not returner.engine_idle()
    process.resident = 520 + TRIM_AFTER_GROWTH_MB
    assert returner.engine_idle()
    assert process.trims == 2


def test_without_malloc_trim_nothing_is_attempted():
    returner = MemoryReturner(trim=None, resident=lambda: 10_000.0)
    assert not returner.engine_idle()


def test_this_c_library_offers_malloc_trim():
    assert malloc_trim() is not None  # glibc, as on every machine this project runs on
