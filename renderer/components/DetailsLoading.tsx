/**
 * "Loading your details" in the editor's place: shown while the editor's code chunk loads and then
 * while it reads the metadata, so the two waits look like one.
 */
export function DetailsLoading() {
  return (
    <section className="card" aria-labelledby="metadata-title" aria-busy="true">
      <h2 id="metadata-title">Your details</h2>
      <p role="status">
        <span className="spinner" aria-hidden="true" /> Loading your details…
      </p>
    </section>
  );
}
