// One run of a function per key at a time on this node: concurrent callers for the same key share its promise.

export class Singleflight<T> {
  private readonly running = new Map<string, Promise<T>>()

  async run (key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.running.get(key)
    if (running !== undefined) { return running }
    const started = fn().finally(() => { this.running.delete(key) })
    this.running.set(key, started)
    return started
  }

  get size (): number {
    return this.running.size
  }
}
