/** The foot of a dialog's form: Cancel, and the submit button, disabled while the form is sending. */
export function FormActions({
  submit,
  submitting,
  onCancel,
}: {
  submit: string;
  submitting: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="actions">
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="btn btn-primary" disabled={submitting}>
        {submit}
      </button>
    </div>
  );
}
