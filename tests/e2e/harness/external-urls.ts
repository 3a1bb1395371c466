/** The URLs an app hands to "the system browser", in order, with a way to wait for the next one. */
export class ExternalUrlQueue {
  readonly all: string[] = [];
  private waiting: Array<(url: string) => void> = [];
  private unread = 0;

  push(url: string): void {
    this.all.push(url);
    const waiter = this.waiting.shift();
    if (waiter) waiter(url);
    else this.unread += 1;
  }

  next(timeoutMs = 15_000): Promise<string> {
    if (this.unread > 0) {
      const url = this.all[this.all.length - this.unread]!;
      this.unread -= 1;
      return Promise.resolve(url);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((waiter) => waiter !== done);
        reject(new Error(`the app opened no URL in the browser within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (url: string) => {
        clearTimeout(timer);
        resolve(url);
      };
      this.waiting.push(done);
    });
  }
}
