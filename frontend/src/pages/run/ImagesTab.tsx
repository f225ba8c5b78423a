import { useMemo, useState } from "react";
import { Card, Center, Image, Loader, SimpleGrid, Slider, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, mediaUrl } from "../../api/client";
import type { ImageEvent } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";

function ImageKey({ runId, name, images }: { runId: string; name: string; images: ImageEvent[] }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(images.length - 1);
  const at = Math.min(index, images.length - 1);
  const image = images[at] as ImageEvent;
  return (
    <Card withBorder padding="sm" data-testid={`image-key-${name}`}>
      <Text fw={600} size="sm" mb="xs">
        {name}
      </Text>
      <Image src={mediaUrl(runId, image.path)} alt={image.caption ?? name} fit="contain" h={220} radius="xs" style={{ imageRendering: "pixelated" }} />
      <Text size="xs" c="dimmed" mt={4} data-testid="image-step">
        {image.step !== null ? t("run.imageStep", { step: image.step }) : `#${at + 1}`}
        {image.caption ? ` · ${image.caption}` : ""}
      </Text>
      {images.length > 1 && (
        <Slider
          mt="xs"
          min={0}
          max={images.length - 1}
          value={at}
          onChange={setIndex}
          label={(i) => String(images[i]?.step ?? i + 1)}
          data-testid="image-slider"
        />
      )}
    </Card>
  );
}

/** Images grouped by key, each with a slider over the steps it was logged at. */
export function ImagesTab({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: ["images", runId], queryFn: () => api.images(runId), staleTime: 0 });
  const byKey = useMemo(() => {
    const groups = new Map<string, ImageEvent[]>();
    for (const image of query.data?.images ?? []) {
      const list = groups.get(image.key) ?? [];
      list.push(image);
      groups.set(image.key, list);
    }
    for (const list of groups.values()) list.sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
    return [...groups.entries()];
  }, [query.data]);
  if (query.isPending) {
    return (
      <Center h={120}>
        <Loader />
      </Center>
    );
  }
  if (query.error) return <ErrorAlert error={query.error} />;
  if (byKey.length === 0) return <Text c="dimmed">{t("run.noImages")}</Text>;
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {byKey.map(([name, images]) => (
          <ImageKey key={name} runId={runId} name={name} images={images} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
