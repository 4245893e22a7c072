// Alarm sound: a repeating two-tone WebAudio beep (no audio files), started and stopped by the view.

export class Alarm {
  private ctx: AudioContext | null = null;
  private timer: number | undefined;

  /** True when the browser lets us play sound (needs one user gesture after a page load). */
  get ready(): boolean {
    return this.ctx?.state === "running" || navigator.userActivation?.hasBeenActive === true;
  }

  /** Create/resume the audio context (call from a click handler). */
  async unlock(): Promise<void> {
    this.ctx ??= new AudioContext();
    if (this.ctx.state !== "running") await this.ctx.resume();
  }

  private beep(): void {
    try {
      this.ctx ??= new AudioContext();
      if (this.ctx.state !== "running") void this.ctx.resume();
      const ctx = this.ctx;
      const t = ctx.currentTime;
      for (const [i, f] of [880, 660, 880].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = "square";
        osc.frequency.value = f;
        gain.gain.setValueAtTime(0.0001, t + i * 0.25);
        gain.gain.exponentialRampToValueAtTime(0.25, t + i * 0.25 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.25 + 0.22);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t + i * 0.25);
        osc.stop(t + i * 0.25 + 0.24);
      }
    } catch {
      /* no audio device: the visual alarm remains */
    }
  }

  /** Beep now and every 2 s until stop(). */
  start(): void {
    if (this.timer !== undefined) return;
    this.beep();
    this.timer = window.setInterval(() => this.beep(), 2000);
  }

  stop(): void {
    window.clearInterval(this.timer);
    this.timer = undefined;
  }
}
