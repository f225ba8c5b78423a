import { Code, Table } from "@mantine/core";

/** Label → value rows, the values as code that wraps anywhere (paths, hosts, interpreters). */
export function FactsTable({ rows, labelWidth, testId }: { rows: [string, string][]; labelWidth: number; testId?: string }) {
  return (
    <Table withTableBorder variant="vertical" layout="fixed" data-testid={testId}>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={labelWidth}>{label}</Table.Th>
            <Table.Td>
              <Code style={{ overflowWrap: "anywhere" }}>{value}</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
