import { useEffect, useMemo, useState } from "react";
import { Card, Center, Group, Image, Loader, Modal, SimpleGrid, Slider, Stack, Text, UnstyledButton } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, mediaUrl } from "../../api/client";
import type { ImageEvent } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";

/** The index `delta` steps from `at`, kept inside `[0, count)`. */
export function stepIndex(at: number, delta: number, count: number): number {
  return Math.max(0, Math.min(count - 1, at + delta));
}

/** One key's images large, with the step slider and the left/right arrow keys. */
function Lightbox(props: { runId: string; name: string; images: ImageEvent[]; at: number; onMove: (i: number) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const { images, at, onMove } = props;
  const image = images[at] as ImageEvent;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "ArrowLeft") onMove(stepIndex(at, -1, images.length));
      else if (e.key === "ArrowRight") onMove(stepIndex(at, 1, images.length));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [at, images.length, onMove]);
  return (
    <Modal opened onClose={props.onClose} size="xl" title={props.name} data-testid="lightbox" centered>
      <Image src={mediaUrl(props.runId, image.path)} alt={image.caption ?? props.name} fit="contain" mah="70vh" style={{ imageRendering: "pixelated" }} data-testid="lightbox-image" />
      <Group justify="space-between" mt="xs">
        <Text size="sm" data-testid="lightbox-step">
          {image.step !== null ? t("run.imageStep", { step: image.step }) : `#${at + 1}`}
          {image.caption ? ` · ${image.caption}` : ""}
        </Text>
        <Text size="xs" c="dimmed">
          {t("run.lightboxKeys", { at: at + 1, count: images.length })}
        </Text>
      </Group>
      {images.length > 1 && (
        <Slider mt="xs" min={0} max={images.length - 1} value={at} onChange={onMove} label={(i) => String(images[i]?.step ?? i + 1)} data-testid="lightbox-slider" />
      )}
    </Modal>
  );
}

function ImageKey({ runId, name, images }: { runId: string; name: string; images: ImageEvent[] }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(images.length - 1);
  const [open, setOpen] = useState(false);
  const at = Math.min(index, images.length - 1);
  const image = images[at] as ImageEvent;
  return (
    <Card withBorder padding="sm" data-testid={`image-key-${name}`}>
      <Text fw={600} size="sm" mb="xs">
        {name}
      </Text>
      <UnstyledButton onClick={() => setOpen(true)} aria-label={t("run.openLightbox")} data-testid="open-lightbox" style={{ display: "block", width: "100%" }}>
        <Image src={mediaUrl(runId, image.path)} alt={image.caption ?? name} fit="contain" h={220} radius="xs" style={{ imageRendering: "pixelated", cursor: "zoom-in" }} />
      </UnstyledButton>
      {open && <Lightbox runId={runId} name={name} images={images} at={at} onMove={setIndex} onClose={() => setOpen(false)} />}
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
