/**
 * When to poll: the delay in ms before poll number `pollIndex` (0-based), counted from the end of
 * the previous poll (or from the trigger, for poll 0). Pure, so it can be tested alone.
 */
export type PollSchedule = (pollIndex: number) => number

/** The reference behaviour (protocol §5.2): poll at once, then every `retryInterval` ms. */
export const fixedSchedule =
  (retryInterval: number): PollSchedule =>
  (pollIndex) =>
    pollIndex === 0 ? 0 : retryInterval
