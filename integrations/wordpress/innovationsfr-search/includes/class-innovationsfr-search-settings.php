<?php
/**
 * Settings → InnovationsFr Search.
 *
 * @package InnovationsFr_Search
 */

defined( 'ABSPATH' ) || exit;

/**
 * The service URL, the write key (stored as an option, never printed back: the field stays empty
 * and an empty field keeps the stored key), a « Tester la connexion » button, the retry queue's
 * length and a button to retry now.
 */
final class InnovationsFr_Search_Settings {

	const PAGE = 'innovationsfr-search';

	public static function register(): void {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_init', array( __CLASS__, 'settings' ) );
		add_action( 'admin_post_innovationsfr_search_test', array( __CLASS__, 'test_connection' ) );
		add_action( 'admin_post_innovationsfr_search_retry', array( __CLASS__, 'retry_now' ) );
	}

	public static function menu(): void {
		add_options_page( 'InnovationsFr Search', 'InnovationsFr Search', 'manage_options', self::PAGE, array( __CLASS__, 'page' ) );
	}

	public static function settings(): void {
		register_setting(
			self::PAGE,
			InnovationsFr_Search_Client::OPTION_URL,
			array( 'type' => 'string', 'sanitize_callback' => array( __CLASS__, 'sanitize_url' ) )
		);
		register_setting(
			self::PAGE,
			InnovationsFr_Search_Client::OPTION_KEY,
			array( 'type' => 'string', 'sanitize_callback' => array( __CLASS__, 'sanitize_key' ) )
		);
	}

	/**
	 * An http(s) URL, or the one stored.
	 *
	 * @param mixed $value Submitted value.
	 */
	public static function sanitize_url( $value ): string {
		$url = esc_url_raw( trim( (string) $value ), array( 'http', 'https' ) );
		if ( '' === $url && '' !== trim( (string) $value ) ) {
			add_settings_error( self::PAGE, 'url', 'L’adresse du service doit commencer par http:// ou https://.' );
			return (string) get_option( InnovationsFr_Search_Client::OPTION_URL, '' );
		}

		return rtrim( $url, '/' );
	}

	/**
	 * A new key, or (empty field) the one stored: the key is never sent back to the browser.
	 *
	 * @param mixed $value Submitted value.
	 */
	public static function sanitize_key( $value ): string {
		$key = trim( (string) $value );
		return '' === $key ? (string) get_option( InnovationsFr_Search_Client::OPTION_KEY, '' ) : $key;
	}

	public static function page(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}

		$has_key = '' !== (string) get_option( InnovationsFr_Search_Client::OPTION_KEY, '' );
		$queue   = InnovationsFr_Search_Queue::all();
		?>
		<div class="wrap">
			<h1>InnovationsFr Search</h1>
			<?php settings_errors( self::PAGE ); ?>
			<?php if ( isset( $_GET['ifr_test'] ) ) : // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- display only. ?>
				<div class="notice notice-info"><p><?php echo esc_html( (string) get_transient( 'innovationsfr_search_test_' . get_current_user_id() ) ); ?></p></div>
			<?php endif; ?>
			<form method="post" action="options.php">
				<?php settings_fields( self::PAGE ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="ifr-url">Adresse du service</label></th>
						<td><input id="ifr-url" class="regular-text" type="url" name="<?php echo esc_attr( InnovationsFr_Search_Client::OPTION_URL ); ?>" value="<?php echo esc_attr( InnovationsFr_Search_Client::url() ); ?>" placeholder="https://recherche.example.fr" /></td>
					</tr>
					<tr>
						<th scope="row"><label for="ifr-key">Clé d’écriture</label></th>
						<td>
							<input id="ifr-key" class="regular-text" type="password" autocomplete="off" name="<?php echo esc_attr( InnovationsFr_Search_Client::OPTION_KEY ); ?>" value="" placeholder="<?php echo $has_key ? esc_attr( 'Enregistrée — laisser vide pour la garder' ) : ''; ?>" />
							<p class="description">Une des clés Admin:WriteKeys du service. Elle n’est envoyée qu’au service, dans l’en-tête X-Api-Key, et n’est jamais réaffichée.</p>
						</td>
					</tr>
				</table>
				<?php submit_button( 'Enregistrer' ); ?>
			</form>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
				<input type="hidden" name="action" value="innovationsfr_search_test" />
				<?php wp_nonce_field( 'innovationsfr_search_test' ); ?>
				<?php submit_button( 'Tester la connexion', 'secondary' ); ?>
			</form>
			<h2>File d’attente</h2>
			<p><?php echo esc_html( sprintf( _n( '%d article attend un nouvel envoi.', '%d articles attendent un nouvel envoi.', count( $queue ), 'innovationsfr-search' ), count( $queue ) ) ); ?>
			<?php
			if ( $queue ) {
				$last = end( $queue );
				echo ' ' . esc_html( 'Dernière erreur : ' . (string) ( $last['error'] ?? '' ) );
			}
			?>
			</p>
			<?php if ( $queue ) : ?>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
				<input type="hidden" name="action" value="innovationsfr_search_retry" />
				<?php wp_nonce_field( 'innovationsfr_search_retry' ); ?>
				<?php submit_button( 'Réessayer maintenant', 'secondary' ); ?>
			</form>
			<?php endif; ?>
		</div>
		<?php
	}

	/**
	 * What the service says: reachable, how many articles, and whether the key may write.
	 */
	public static function status(): array {
		$health = InnovationsFr_Search_Client::request( 'GET', '/health/ready' );
		if ( 200 !== $health['status'] ) {
			return array( 'ok' => false, 'message' => 'Service injoignable ou pas prêt : ' . ( $health['error'] ?? 'HTTP ' . $health['status'] ) );
		}

		// An empty bulk is refused (400) by a write key, 401/403 otherwise: nothing is written either way.
		$probe = InnovationsFr_Search_Client::request( 'POST', '/api/admin/wordpress/posts/bulk', array(), true );
		$key   = 400 === $probe['status'] ? 'la clé peut écrire' : ( in_array( $probe['status'], array( 401, 403, 404 ), true ) ? 'la clé est refusée (HTTP ' . $probe['status'] . ')' : 'clé non vérifiée (' . ( $probe['error'] ?? '' ) . ')' );
		return array(
			'ok'       => 400 === $probe['status'],
			'articles' => (int) ( $health['body']['articles'] ?? 0 ),
			'message'  => sprintf( 'Service joignable : %d articles indexés ; %s.', (int) ( $health['body']['articles'] ?? 0 ), $key ),
		);
	}

	public static function test_connection(): void {
		if ( ! current_user_can( 'manage_options' ) || ! check_admin_referer( 'innovationsfr_search_test' ) ) {
			wp_die( 'Non autorisé.', 403 );
		}

		set_transient( 'innovationsfr_search_test_' . get_current_user_id(), self::status()['message'], 60 );
		wp_safe_redirect( add_query_arg( 'ifr_test', '1', admin_url( 'options-general.php?page=' . self::PAGE ) ) );
		exit;
	}

	public static function retry_now(): void {
		if ( ! current_user_can( 'manage_options' ) || ! check_admin_referer( 'innovationsfr_search_retry' ) ) {
			wp_die( 'Non autorisé.', 403 );
		}

		InnovationsFr_Search_Queue::process( false );
		wp_safe_redirect( admin_url( 'options-general.php?page=' . self::PAGE ) );
		exit;
	}
}
