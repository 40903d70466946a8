/**
 * The text of one assistant message, built from block operations.
 *
 * Each block keeps its items in arrival order (for `update`) and a streaming escape
 * decoder of its own. Appends decode incrementally; `overwrite` and `update` rebuild
 * the block from its items (they are rare, appends are per token).
 */
import { createEscapeDecoder, type EscapeDecoder } from './escape-decoder.js';
import type { BlockName, BlockOp } from './types.js';

/** How a block's decoded text changed: an append carries the delta. */
export type BlockChange =
  { block: BlockName; kind: 'append'; text: string } | { block: BlockName; kind: 'replace'; text: string };

export interface MessageModel {
  readonly think: string;
  readonly answer: string;
  /** Applies a content op (`append`, `overwrite`, `update`); returns what changed. */
  apply(op: BlockOp): BlockChange | undefined;
  /** Ends the message: flushes escapes still pending (a lone `\` stays a `\`). */
  end(): BlockChange[];
  /** Whether no escape is held back in either block: a new run may resume after the last op. */
  readonly atResumePoint: boolean;
}

interface Item {
  id: number | undefined;
  raw: string;
}

interface Block {
  /** Already-decoded text the message started with (loaded from history). */
  seed: string;
  items: Item[];
  text: string;
  decoder: EscapeDecoder | undefined;
}

export function createMessageModel(
  options: { decodeEscapes: boolean; think?: string; answer?: string } = { decodeEscapes: true },
): MessageModel {
  const newDecoder = () => (options.decodeEscapes ? createEscapeDecoder() : undefined);
  const newBlock = (seed = ''): Block => ({ seed, items: [], text: seed, decoder: newDecoder() });
  const blocks: Record<BlockName, Block> = {
    think: newBlock(options.think),
    answer: newBlock(options.answer),
  };

  function rebuild(block: Block): string {
    block.decoder = newDecoder();
    const raw = block.items.map((item) => item.raw).join('');
    block.text = block.seed + (block.decoder ? block.decoder.push(raw) : raw);
    return block.text;
  }

  function apply(op: BlockOp): BlockChange | undefined {
    switch (op.op) {
      case 'append': {
        const block = blocks[op.block];
        block.items.push({ id: op.itemId, raw: op.text });
        const delta = block.decoder ? block.decoder.push(op.text) : op.text;
        if (delta === '') return undefined;
        block.text += delta;
        return { block: op.block, kind: 'append', text: delta };
      }
      case 'overwrite': {
        const block = blocks[op.block];
        block.seed = '';
        block.items = [{ id: undefined, raw: op.text }];
        return { block: op.block, kind: 'replace', text: rebuild(block) };
      }
      case 'update': {
        const block = blocks[op.block];
        const item = block.items.find((it) => it.id === op.itemId);
        // The agent protocol's rule: an update of an item never seen appends it, so its text is kept.
        if (!item) return apply({ op: 'append', block: op.block, text: op.text, itemId: op.itemId });
        item.raw = op.text;
        return { block: op.block, kind: 'replace', text: rebuild(block) };
      }
      default:
        return undefined;
    }
  }

  function end(): BlockChange[] {
    const changes: BlockChange[] = [];
    for (const name of ['think', 'answer'] as const) {
      const block = blocks[name];
      const rest = block.decoder?.end() ?? '';
      if (rest) {
        block.text += rest;
        changes.push({ block: name, kind: 'append', text: rest });
      }
    }
    return changes;
  }

  return {
    get think() {
      return blocks.think.text;
    },
    get answer() {
      return blocks.answer.text;
    },
    apply,
    end,
    get atResumePoint() {
      return !blocks.think.decoder?.pending && !blocks.answer.decoder?.pending;
    },
  };
}
