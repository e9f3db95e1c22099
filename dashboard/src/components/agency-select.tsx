/** A choice among the agencies the user may see, labelled by name. */
export function AgencySelect({
  agencies,
  value,
  onChange,
  name,
  placeholder,
}: {
  agencies: readonly { code: string; name: string }[];
  value: string;
  onChange: (code: string) => void;
  name?: string;
  /** An empty first choice ("Scegli…"), for a form where nothing is chosen until the user does. */
  placeholder?: string;
}) {
  return (
    <select name={name} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
      {placeholder === undefined ? null : <option value="">{placeholder}</option>}
      {agencies.map((option) => (
        <option key={option.code} value={option.code}>
          {option.name}
        </option>
      ))}
    </select>
  );
}
