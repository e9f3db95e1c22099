/** The dwelling a request is about, as the tenant registry or the caller describes it. */
export type DwellingData = {
  address?: string | null;
  municipality?: string | null;
  building?: string | null;
  stair?: string | null;
  floor?: string | null;
  flat?: string | null;
};
