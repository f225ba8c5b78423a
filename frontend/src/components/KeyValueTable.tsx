import { Table, Text } from "@mantine/core";
import type { JsonValue } from "../api/types";
import { formatValue } from "../lib/format";

export function KeyValueTable({ entries, empty, testId }: { entries: [string, JsonValue][]; empty: string; testId?: string }) {
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
              <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }}>
                {formatValue(value)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
