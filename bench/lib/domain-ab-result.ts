/** What `bun bench/domain-ab.ts` prints, and bench/doc-domain-ab.ts reads. */
export type DomainAbBoot = {
  variant: string;
  round: number;
  /** The host's 1-minute load average as the boot started. */
  load: number;
  leaseS: number;
  portS: number;
  sshS: number;
  readyS: number;
};

export type DomainAbRun = { revision: string; date: string; rounds: number; boots: DomainAbBoot[] };
