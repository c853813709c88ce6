<?php
/**
 * Live sync: what changes in WordPress reaches the index.
 *
 * @package InnovationsFr_Search
 */

defined( 'ABSPATH' ) || exit;

/**
 * Posts touched during a request are sent once, at its end, in their final state (terms and meta
 * saved): a public post is PUT, anything else (unpublished, private, password set, trashed,
 * deleted) is DELETEd. Renaming, merging or deleting a tag or category re-sends the posts that
 * carry it. A call that fails is queued and retried by WP-Cron (InnovationsFr_Search_Queue).
 */
final class InnovationsFr_Search_Sync {

	/**
	 * Post ids touched during this request.
	 *
	 * @var array<int, true>
	 */
	private static array $dirty = array();

	public static function register(): void {
		add_action( 'wp_after_insert_post', array( __CLASS__, 'touch' ), 10, 1 );
		add_action( 'transition_post_status', array( __CLASS__, 'transition' ), 10, 3 );
		add_action( 'save_post', array( __CLASS__, 'touch' ), 10, 1 );
		add_action( 'trashed_post', array( __CLASS__, 'touch' ), 10, 1 );
		add_action( 'deleted_post', array( __CLASS__, 'touch' ), 10, 2 );
		add_action( 'set_object_terms', array( __CLASS__, 'touch' ), 10, 1 );
		add_action( 'edited_term', array( __CLASS__, 'term_edited' ), 10, 3 );
		add_action( 'delete_term', array( __CLASS__, 'term_deleted' ), 10, 5 );
		add_action( 'shutdown', array( __CLASS__, 'flush' ) );
	}

	/**
	 * Notes a post (a post of type "post": pages, revisions, menus never reach the index) to send at the end of the request.
	 *
	 * @param int|WP_Post  $post  The post or its id.
	 * @param WP_Post|null $given The post, when the hook passes it (deleted_post: it is gone from the database).
	 */
	public static function touch( $post, $given = null ): void {
		$id   = $post instanceof WP_Post ? $post->ID : (int) $post;
		$type = $post instanceof WP_Post ? $post->post_type : ( $given instanceof WP_Post ? $given->post_type : get_post_type( $id ) );
		if ( $id > 0 && 'post' === $type ) {
			self::$dirty[ $id ] = true;
		}
	}

	/**
	 * A status change (publish → private, draft, trash…).
	 *
	 * @param string  $new_status New status.
	 * @param string  $old_status Old status.
	 * @param WP_Post $post       The post.
	 */
	public static function transition( $new_status, $old_status, $post ): void {
		if ( $new_status !== $old_status || 'publish' === $new_status ) {
			self::touch( $post );
		}
	}

	/**
	 * A tag or category renamed (or its slug or parent changed): its posts carry the new name.
	 *
	 * @param int    $term_id  Term id.
	 * @param int    $tt_id    Term taxonomy id.
	 * @param string $taxonomy Taxonomy.
	 */
	public static function term_edited( $term_id, $tt_id, $taxonomy ): void {
		if ( in_array( $taxonomy, array( 'post_tag', 'category' ), true ) ) {
			foreach ( (array) get_objects_in_term( (int) $term_id, $taxonomy ) as $id ) {
				self::touch( (int) $id );
			}
		}
	}

	/**
	 * A tag or category deleted (or merged into another): its posts lose it.
	 *
	 * @param int     $term_id      Term id.
	 * @param int     $tt_id        Term taxonomy id.
	 * @param string  $taxonomy     Taxonomy.
	 * @param WP_Term $deleted_term The term.
	 * @param array   $object_ids   The posts that carried it.
	 */
	public static function term_deleted( $term_id, $tt_id, $taxonomy, $deleted_term = null, $object_ids = array() ): void {
		if ( in_array( $taxonomy, array( 'post_tag', 'category' ), true ) ) {
			foreach ( (array) $object_ids as $id ) {
				self::touch( (int) $id );
			}
		}
	}

	/**
	 * Sends what this request touched; what fails is queued.
	 */
	public static function flush(): void {
		$ids          = array_keys( self::$dirty );
		self::$dirty = array();
		if ( ! $ids || ! InnovationsFr_Search_Client::configured() ) {
			return;
		}

		$sent_one = false;
		foreach ( $ids as $id ) {
			$error = self::send( $id );
			if ( null === $error ) {
				InnovationsFr_Search_Queue::forget( $id );
				$sent_one = true;
			} else {
				InnovationsFr_Search_Queue::add( $id, $error );
			}
		}

		// The service answers again: some of what waited in the queue goes too (WP-Cron sends the rest).
		if ( $sent_one ) {
			InnovationsFr_Search_Queue::process( true, 10 );
		}
	}

	/**
	 * Sends a post in its present state: PUT when public, DELETE otherwise. Null when done, else why not.
	 *
	 * @param int $id The post's id.
	 */
	public static function send( int $id ): ?string {
		$rest = InnovationsFr_Search_Posts::rest( $id );
		$result = null === $rest
			? InnovationsFr_Search_Client::request( 'DELETE', '/api/admin/articles/' . $id, null, true )
			: InnovationsFr_Search_Client::request( 'PUT', '/api/admin/wordpress/posts/' . $id, $rest, true );
		return $result['error'];
	}

	/**
	 * Sends every published public post in batches (POST /api/admin/wordpress/posts/bulk).
	 * Returns array( 'posts' => n, 'upserted' => n, 'rejected' => n, 'errors' => list of messages ).
	 *
	 * @param int           $batch    Posts per request.
	 * @param callable|null $progress Called with the number of posts sent after each batch.
	 */
	public static function push_all( int $batch = 100, ?callable $progress = null ): array {
		$totals = array( 'posts' => 0, 'upserted' => 0, 'rejected' => 0, 'errors' => array() );
		$page   = 1;
		do {
			$ids = get_posts(
				array(
					'post_type'        => 'post',
					'post_status'      => 'publish',
					'has_password'     => false,
					'fields'           => 'ids',
					'orderby'          => 'ID',
					'order'            => 'ASC',
					'posts_per_page'   => max( 1, $batch ),
					'paged'            => $page,
					'suppress_filters' => true,
				)
			);
			$posts = array_values( array_filter( array_map( array( 'InnovationsFr_Search_Posts', 'rest' ), $ids ) ) );
			if ( $posts ) {
				$result = InnovationsFr_Search_Client::request( 'POST', '/api/admin/wordpress/posts/bulk', $posts, true, 60 );
				if ( null !== $result['error'] ) {
					$totals['errors'][] = $result['error'];
					return $totals;
				}

				$totals['posts']    += count( $posts );
				$totals['upserted'] += (int) ( $result['body']['upserted'] ?? 0 );
				$totals['rejected'] += (int) ( $result['body']['rejected'] ?? 0 );
				foreach ( (array) ( $result['body']['errors'] ?? array() ) as $error ) {
					$totals['errors'][] = sprintf( 'post %s: %s', $error['id'] ?? '?', $error['message'] ?? '' );
				}
			}

			if ( $progress ) {
				$progress( $totals['posts'] );
			}

			++$page;
		} while ( count( $ids ) === max( 1, $batch ) );

		return $totals;
	}
}
