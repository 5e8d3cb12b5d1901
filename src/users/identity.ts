/** Who the service runs as: the output of the resolve stage and the input of the drop. */
export interface Identity {
  uid: number;
  gid: number;
  /** Supplementary groups, in order, without duplicates. */
  groups: number[];
  /** HOME for the service: the passwd home, "/" when there is none. */
  home: string;
  /** The passwd name, when the uid has an entry (USER and LOGNAME). */
  name: string | undefined;
}
