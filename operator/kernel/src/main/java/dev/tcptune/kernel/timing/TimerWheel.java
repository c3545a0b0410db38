package dev.tcptune.kernel.timing;

import java.time.Duration;

/**
 * How late the kernel's timer wheel ({@code kernel/time/timer.c}) fires a {@code timer_list} timer
 * such as TCP's retransmission, keepalive, SYN+ACK and TIME_WAIT timers: a timer is filed in a
 * level whose bucket width is 8^level jiffies (64 buckets per level) and fires at the end of its
 * bucket, so a 1 s timer is late by at most 8 jiffies and a 2 h keepalive by up to 32768 jiffies.
 *
 * <p>CONFIG_HZ cannot be read from user space in general; the model assumes HZ=250, the value of
 * most distribution kernels and of the kernel the ground-truth tests run on (a jiffy of 4 ms). An
 * HZ=1000 kernel fires earlier, within the estimate's range.
 */
final class TimerWheel {

  /** One jiffy at the assumed HZ=250. */
  static final Duration JIFFY = Duration.ofMillis(4);

  private static final int LVL_BITS = 6;
  private static final int LVL_CLK_SHIFT = 3;
  private static final int LVL_DEPTH = 9;

  private TimerWheel() {}

  /** The widest lateness of a timer armed {@code delay} ahead: its level's bucket width. */
  static Duration maxLateness(Duration delay) {
    long jiffies = Math.max(0, ceilDiv(delay.toNanos(), JIFFY.toNanos()));
    int level = 0;
    while (level < LVL_DEPTH - 1 && jiffies >= levelStart(level + 1)) {
      level++;
    }
    long granularity = 1L << (level * LVL_CLK_SHIFT);
    return JIFFY.multipliedBy(granularity);
  }

  /** The delay rounded up to whole jiffies, as {@code msecs_to_jiffies()} does. */
  static Duration inJiffies(Duration d) {
    return JIFFY.multipliedBy(ceilDiv(d.toNanos(), JIFFY.toNanos()));
  }

  /** LVL_START(n) of timer.c: the first delay (in jiffies) that goes to level n. */
  private static long levelStart(int n) {
    return ((1L << LVL_BITS) - 1) << ((n - 1) * LVL_CLK_SHIFT);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
