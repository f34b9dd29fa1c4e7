'use client';
/**
 * A short success note after create/save/delete/publish: one polite live region (role=status) that is always in the
 * page, so screen readers announce each new message; the text disappears after TOAST_MS. The provider sits in the
 * root providers, so a toast survives the navigation that often follows the action (create → course page).
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';

const TOAST_MS = 3000;

const ToastContext = createContext<(message: string) => void>(() => {});

export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toast, setToast] = useState<{ id: number; text: string } | null>(null);
  const next = useRef(1);
  const show = useCallback((text: string) => setToast({ id: next.current++, text }), []);
  useEffect(() => {
    if (!toast) return;
    const h = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(h);
  }, [toast]);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toast-region" role="status" aria-live="polite" aria-atomic="true">
        {toast && (
          <p key={toast.id} className="toast" data-testid="toast">
            {toast.text}
          </p>
        )}
      </div>
    </ToastContext.Provider>
  );
}

/** `toast(text)` shows a success note for a few seconds. */
export function useToast(): (message: string) => void {
  return useContext(ToastContext);
}
