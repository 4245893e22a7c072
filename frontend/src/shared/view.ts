// The contract between the app shell (main.ts) and each role's view: views never import the shell.

/** A mounted view; the shell destroys it when the route changes. */
export interface View {
  /** Stop sockets, timers and maps when leaving the view. */
  destroy(): void;
}
