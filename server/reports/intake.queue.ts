/**
 * Gathers the reports that arrive while earlier ones are being stored, and stores each group in
 * one transaction (report.service.ts storeBatch). A report that arrives at a quiet moment is
 * stored at once, alone: nothing waits for a batch to fill. Under load, every report in flight
 * shares one set of round trips, one plan of each statement and one commit with those that
 * arrived with it — those, not the rows, are what an intake costs. A report is answered only
 * after its batch has committed.
 */
/** Thrown by submit when the waiting line is full: nothing of the submission was stored. */
export class IntakeQueueFull extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} reports are waiting to be stored`)
  }
}

export class IntakeQueue<S, O> {
  private waiting: { submission: S; resolve: (o: O) => void; reject: (e: unknown) => void }[] = []
  private running = 0

  /**
   * @param store stores a batch in one transaction; answers each submission in order
   * @param workers batches stored at the same time (database connections used)
   * @param maxBatch reports in one batch
   * @param maxWaiting reports that may wait; one more is refused (IntakeQueueFull) at once
   */
  constructor(
    private readonly store: (batch: S[]) => Promise<O[]>,
    private readonly workers: number,
    private readonly maxBatch: number,
    private readonly maxWaiting = Infinity,
  ) {}

  submit(submission: S): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.waiting.length >= this.maxWaiting) return reject(new IntakeQueueFull(this.waiting.length))
      this.waiting.push({ submission, resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    while (this.running < this.workers && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch)
      this.running++
      void this.run(batch).finally(() => {
        this.running--
        this.pump()
      })
    }
  }

  private async run(batch: typeof this.waiting): Promise<void> {
    try {
      const outcomes = await this.store(batch.map((b) => b.submission))
      batch.forEach((b, i) => b.resolve(outcomes[i]!))
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err)
        return
      }
      // The whole batch rolled back. One bad report must not fail the others: each alone again.
      await Promise.all(batch.map((b) => this.store([b.submission]).then(([o]) => b.resolve(o!), b.reject)))
    }
  }
}
