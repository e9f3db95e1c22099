/** A choice among the agencies the user may see, labelled by name. */
export function AgencySelect({
  agencies,
  value,
  onChange,
  name,
}: {
  agencies: readonly { code: string; name: string }[];
  value: string;
  onChange: (code: string) => void;
  name?: string;
}) {
  return (
    <select name={name} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
      {agencies.map((option) => (
        <option key={option.code} value={option.code}>
          {option.name}
        </option>
      ))}
    </select>
  );
}
