import { Table, Text } from "@mantine/core";
import type { JsonValue } from "../api/types";
import { formatValue } from "../lib/format";

interface Props {
  entries: [string, JsonValue][];
  empty: string;
  testId?: string;
  /** How a value is shown (rounded, in human units); the exact value is then its title. */
  format?: (key: string, value: JsonValue) => string;
}

export function KeyValueTable({ entries, empty, testId, format }: Props) {
  if (entries.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {empty}
      </Text>
    );
  }
  return (
    <Table striped withTableBorder verticalSpacing={4} data-testid={testId}>
      <Table.Tbody>
        {entries.map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Td w="40%">
              <Text size="sm" ff="monospace">
                {key}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }} title={format ? formatValue(value) : undefined} data-key={key}>
                {format ? format(key, value) : formatValue(value)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
