<?php
/**
 * What readers see: the site's search answered by the service, the « Étiquettes » tag cloud and « À lire aussi ».
 *
 * @package InnovationsFr_Search
 */

defined( 'ABSPATH' ) || exit;

/**
 * The site's own search (?s=) in the service's order, falling back to WordPress's search when the
 * service does not answer; the tag cloud ([innovationsfr_tag_cloud] and a block), with
 * wp_tag_cloud's parameters and sizes, cached in a transient; related articles
 * ([innovationsfr_related] and a block).
 */
final class InnovationsFr_Search_Frontend {

	/** Seconds a tag cloud is kept (INNOVATIONSFR_SEARCH_CLOUD_TTL overrides). */
	const CLOUD_TTL = 300;

	public static function register(): void {
		add_filter( 'posts_pre_query', array( __CLASS__, 'search' ), 10, 2 );
		add_shortcode( 'innovationsfr_tag_cloud', array( __CLASS__, 'tag_cloud' ) );
		add_shortcode( 'innovationsfr_related', array( __CLASS__, 'related' ) );
		add_action( 'init', array( __CLASS__, 'blocks' ) );
	}

	/**
	 * Answers the main search query with the service's ranking: null lets WordPress search.
	 *
	 * @param array|null $posts Posts decided by an earlier filter.
	 * @param WP_Query   $query The query.
	 */
	public static function search( $posts, $query ) {
		if ( null !== $posts || is_admin() || ! $query->is_main_query() || ! $query->is_search() || '' === trim( (string) $query->get( 's' ) ) || '' === InnovationsFr_Search_Client::url() ) {
			return $posts;
		}

		$per_page = (int) ( $query->get( 'posts_per_page' ) ?: get_option( 'posts_per_page', 10 ) );
		$per_page = $per_page > 0 ? $per_page : 100; // -1 (all): as many as the service gives in one page
		$page     = max( 1, (int) $query->get( 'paged' ) );
		$path     = '/api/search?' . http_build_query(
			array(
				'q'          => wp_unslash( (string) $query->get( 's' ) ),
				'size'       => min( 100, $per_page ),
				'page'       => $page,
				'facetLimit' => 0,
			)
		);
		$result = InnovationsFr_Search_Client::request( 'GET', $path, null, false, 3 );
		if ( null !== $result['error'] || ! is_array( $result['body']['hits'] ?? null ) ) {
			return null; // The service is down or refused: WordPress's own search answers.
		}

		$ids = array();
		foreach ( $result['body']['hits'] as $hit ) {
			if ( ctype_digit( (string) ( $hit['id'] ?? '' ) ) ) {
				$ids[] = (int) $hit['id'];
			}
		}

		$found = $ids ? get_posts(
			array(
				'post__in'         => $ids,
				'orderby'          => 'post__in',
				'post_type'        => 'post',
				'post_status'      => 'publish',
				'posts_per_page'   => count( $ids ),
				'suppress_filters' => true,
			)
		) : array();
		$total               = (int) ( $result['body']['total'] ?? count( $found ) );
		$query->found_posts   = $total;
		$query->max_num_pages = (int) ceil( $total / $per_page );
		$query->set( 'innovationsfr_search', true );
		return $found;
	}

	/**
	 * [innovationsfr_tag_cloud number=45 smallest=8 largest=22 unit=pt orderby=name order=ASC] with
	 * wp_tag_cloud's parameters (and rubric, days, trending), rendered as wp_tag_cloud renders its links.
	 *
	 * @param array|string $atts Shortcode attributes.
	 */
	public static function tag_cloud( $atts = array() ): string {
		$atts  = shortcode_atts(
			array(
				'number'   => 45,
				'smallest' => 8,
				'largest'  => 22,
				'unit'     => 'pt',
				'orderby'  => 'name',
				'order'    => 'ASC',
				'scale'    => 'log',
				'rubric'   => '',
				'days'     => '',
				'trending' => '',
				'title'    => 'Étiquettes',
			),
			is_array( $atts ) ? $atts : array(),
			'innovationsfr_tag_cloud'
		);
		$query = array_filter(
			array(
				'number'   => (int) $atts['number'],
				'smallest' => (float) $atts['smallest'],
				'largest'  => (float) $atts['largest'],
				'unit'     => sanitize_key( $atts['unit'] ),
				'orderby'  => strtolower( (string) $atts['orderby'] ),
				'order'    => strtolower( (string) $atts['order'] ),
				'scale'    => strtolower( (string) $atts['scale'] ),
				'rubric'   => (string) $atts['rubric'],
				'days'     => '' === $atts['days'] ? '' : (int) $atts['days'],
				'trending' => in_array( $atts['trending'], array( '1', 'true', 'yes' ), true ) ? 'true' : '',
			),
			static fn( $v ) => '' !== $v
		);
		$key   = 'ifr_cloud_' . md5( wp_json_encode( $query ) );
		$cloud = get_transient( $key );
		if ( ! is_array( $cloud ) ) {
			$result = InnovationsFr_Search_Client::request( 'GET', '/api/tags/cloud?' . http_build_query( $query ), null, false, 3 );
			if ( null !== $result['error'] || ! is_array( $result['body']['tags'] ?? null ) ) {
				// The service does not answer: WordPress's own cloud, so the sidebar is never empty.
				return self::wrap( (string) $atts['title'], (string) wp_tag_cloud( array( 'echo' => false, 'number' => (int) $atts['number'], 'smallest' => (float) $atts['smallest'], 'largest' => (float) $atts['largest'], 'unit' => sanitize_key( $atts['unit'] ) ) ) );
			}

			$cloud = $result['body']['tags'];
			set_transient( $key, $cloud, defined( 'INNOVATIONSFR_SEARCH_CLOUD_TTL' ) ? (int) INNOVATIONSFR_SEARCH_CLOUD_TTL : self::CLOUD_TTL );
		}

		$links = array();
		foreach ( array_values( $cloud ) as $position => $tag ) {
			$label = (string) ( $tag['label'] ?? '' );
			$term  = get_term_by( 'name', $label, 'post_tag' );
			$link  = $term instanceof WP_Term ? get_term_link( $term ) : home_url( '/?s=' . rawurlencode( $label ) );
			$count = (int) ( $tag['count'] ?? 0 );
			$links[] = sprintf(
				'<a href="%1$s" class="tag-cloud-link tag-link-%2$s tag-link-position-%3$d" style="font-size: %4$s;" aria-label="%5$s">%6$s</a>',
				esc_url( is_wp_error( $link ) ? '' : $link ),
				esc_attr( $term instanceof WP_Term ? (string) $term->term_id : sanitize_title( (string) ( $tag['slug'] ?? $label ) ) ),
				$position + 1,
				esc_attr( str_replace( ',', '.', (string) (float) ( $tag['size'] ?? 0 ) ) . ( $tag['unit'] ?? 'pt' ) ),
				esc_attr( sprintf( '%s (%s)', $label, sprintf( _n( '%s élément', '%s éléments', $count, 'innovationsfr-search' ), number_format_i18n( $count ) ) ) ),
				esc_html( $label )
			);
		}

		return self::wrap( (string) $atts['title'], '<div class="tagcloud innovationsfr-tag-cloud">' . implode( "\n", $links ) . '</div>' );
	}

	/**
	 * [innovationsfr_related limit=5]: « À lire aussi » for the post shown (or id=).
	 *
	 * @param array|string $atts Shortcode attributes.
	 */
	public static function related( $atts = array() ): string {
		$atts = shortcode_atts( array( 'id' => 0, 'limit' => 5, 'title' => 'À lire aussi' ), is_array( $atts ) ? $atts : array(), 'innovationsfr_related' );
		$id   = (int) $atts['id'] ?: (int) get_the_ID();
		if ( $id <= 0 ) {
			return '';
		}

		$key     = 'ifr_related_' . $id . '_' . (int) $atts['limit'];
		$related = get_transient( $key );
		if ( ! is_array( $related ) ) {
			$result = InnovationsFr_Search_Client::request( 'GET', '/api/articles/' . $id . '/related?limit=' . max( 1, min( 20, (int) $atts['limit'] ) ), null, false, 3 );
			if ( null !== $result['error'] ) {
				return '';
			}

			$related = array_values( (array) ( $result['body']['related'] ?? $result['body'] ?? array() ) );
			set_transient( $key, $related, defined( 'INNOVATIONSFR_SEARCH_CLOUD_TTL' ) ? (int) INNOVATIONSFR_SEARCH_CLOUD_TTL : self::CLOUD_TTL );
		}

		$items = array();
		foreach ( $related as $article ) {
			$article_id = (string) ( $article['id'] ?? '' );
			$url        = ctype_digit( $article_id ) && get_post( (int) $article_id ) ? get_permalink( (int) $article_id ) : (string) ( $article['url'] ?? '' );
			$items[]    = sprintf( '<li><a href="%s">%s</a></li>', esc_url( $url ), esc_html( (string) ( $article['title'] ?? '' ) ) );
		}

		return $items ? self::wrap( (string) $atts['title'], '<ul class="innovationsfr-related">' . implode( '', $items ) . '</ul>' ) : '';
	}

	/**
	 * The two blocks, rendered on the server by the shortcodes' code.
	 */
	public static function blocks(): void {
		if ( ! function_exists( 'register_block_type' ) ) {
			return;
		}

		wp_register_script( 'innovationsfr-search-blocks', plugins_url( 'blocks/editor.js', INNOVATIONSFR_SEARCH_FILE ), array( 'wp-blocks', 'wp-element', 'wp-server-side-render' ), INNOVATIONSFR_SEARCH_VERSION, true );
		register_block_type(
			'innovationsfr/tag-cloud',
			array(
				'editor_script'   => 'innovationsfr-search-blocks',
				'attributes'      => array(
					'number'   => array( 'type' => 'number', 'default' => 45 ),
					'smallest' => array( 'type' => 'number', 'default' => 8 ),
					'largest'  => array( 'type' => 'number', 'default' => 22 ),
					'unit'     => array( 'type' => 'string', 'default' => 'pt' ),
					'orderby'  => array( 'type' => 'string', 'default' => 'name' ),
					'order'    => array( 'type' => 'string', 'default' => 'ASC' ),
				),
				'render_callback' => static fn( $attributes ) => self::tag_cloud( $attributes ),
			)
		);
		register_block_type(
			'innovationsfr/related',
			array(
				'editor_script'   => 'innovationsfr-search-blocks',
				'attributes'      => array( 'limit' => array( 'type' => 'number', 'default' => 5 ) ),
				'render_callback' => static fn( $attributes ) => self::related( $attributes ),
			)
		);
	}

	private static function wrap( string $title, string $html ): string {
		return '<section class="innovationsfr-search-block">' . ( '' !== $title ? '<h2>' . esc_html( $title ) . '</h2>' : '' ) . $html . '</section>';
	}
}
