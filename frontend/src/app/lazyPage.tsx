// page makes a route's page component load on first visit, in its own chunk,
// showing a spinner meanwhile (19 item 7). Kinds use it for their intake pages.
import { lazy, Suspense, type ComponentType } from 'react';
import { Spin } from 'antd';

export function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K): ComponentType {
  const Lazy = lazy(async (): Promise<{ default: ComponentType }> => ({ default: (await load())[name] }));
  return function Page() {
    return (
      <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '120px auto' }} />}>
        <Lazy />
      </Suspense>
    );
  };
}
