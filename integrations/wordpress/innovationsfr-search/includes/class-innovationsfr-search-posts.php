<?php
/**
 * Which posts leave WordPress, and in what shape.
 *
 * @package InnovationsFr_Search
 */

defined( 'ABSPATH' ) || exit;

/**
 * Only public posts are sent: type post, status publish, no password. A post is sent as WordPress's
 * own REST API gives it (GET /wp/v2/posts/{id}?_embed), and the service maps it to an article
 * with the same code as its import-wp-json importer: one mapping, documented in the service's README.
 */
final class InnovationsFr_Search_Posts {

	/**
	 * Whether a post may be in the public index.
	 *
	 * @param WP_Post|null $post The post.
	 */
	public static function is_public( $post ): bool {
		return $post instanceof WP_Post
			&& 'post' === $post->post_type
			&& 'publish' === $post->post_status
			&& '' === (string) $post->post_password;
	}

	/**
	 * The post as /wp/v2/posts/{id}?_embed gives it to a visitor (null when it is not public).
	 *
	 * @param int $post_id The post's id.
	 */
	public static function rest( int $post_id ): ?array {
		$post = get_post( $post_id );
		if ( ! self::is_public( $post ) ) {
			return null;
		}

		$previous = get_current_user_id();
		wp_set_current_user( 0 ); // What a visitor sees: nothing an editor alone may read.
		try {
			$request = new WP_REST_Request( 'GET', '/wp/v2/posts/' . $post_id );
			$request->set_param( '_embed', true );
			$request->set_param( 'context', 'view' );
			$response = rest_do_request( $request );
			if ( $response->is_error() ) {
				return null;
			}

			$data = rest_get_server()->response_to_data( $response, true );
		} finally {
			wp_set_current_user( $previous );
		}

		if ( ! is_array( $data ) ) {
			return null;
		}

		// WordPress embeds a post's terms through /wp/v2/tags?post=ID, one page of 10: a post with
		// more tags would lose some. Every term goes, in the embedded shape.
		$data['_embedded']['wp:term'] = array( self::terms( $post_id, 'category' ), self::terms( $post_id, 'post_tag' ) );
		return $data;
	}

	/**
	 * A post's terms of one taxonomy, as the REST API embeds them.
	 *
	 * @param int    $post_id  The post's id.
	 * @param string $taxonomy category or post_tag.
	 */
	private static function terms( int $post_id, string $taxonomy ): array {
		$terms = get_the_terms( $post_id, $taxonomy );
		if ( ! is_array( $terms ) ) {
			return array();
		}

		return array_map(
			static fn( WP_Term $term ) => array(
				'id'       => $term->term_id,
				'link'     => get_term_link( $term ),
				'name'     => $term->name,
				'slug'     => $term->slug,
				'taxonomy' => $term->taxonomy,
			),
			array_values( $terms )
		);
	}
}
