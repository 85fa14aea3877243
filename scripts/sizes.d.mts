export declare const budgets: Record<string, number>
export declare function measureSizes(): Promise<
  { key: string; name: string; esbuild?: number; rolldown: number; checked: number; budget: number; ok: boolean }[]
>
